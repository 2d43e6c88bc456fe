import LabOS
import LabCore
import PyLab

/// `io fetch python` and `io fetch py`: the event loop of `io fetch loop`, written in Python with generators and
/// `select`, run against the same server by the real python3 and by conclab's own Python. `--show` prints it: the
/// bridge from the generators of the first lab to asyncio, small enough to read.
///
/// Both run one text, `shared`; only the lines that report the figures differ (`measures`): python3 prints its CPU
/// time and reads its memory from /proc, while conclab's Python (which opens no files) is measured from outside.
package enum IOPythonLoop {
    package static let shared = #"""
        # An event loop built from generators. Each client is a generator: it runs until its socket
        # would block, then yields ("read", sock) or ("write", sock) and is paused right there. The loop
        # asks select() which sockets are ready and resumes the generators waiting on them.
        import select, socket, struct, sys, time

        def client(port, ids, reply_bytes, latencies, connected):
            sock = socket.socket()
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                sock.connect(("127.0.0.1", port))
            except BlockingIOError:
                yield "write", sock                 # paused until the connection is made
            connected.append(time.monotonic_ns())
            for i in ids:
                start = time.perf_counter_ns()
                request = struct.pack("<Q", i)
                while request:
                    try:
                        request = request[sock.send(request):]
                    except BlockingIOError:
                        yield "write", sock
                got = 0
                while got < reply_bytes:
                    try:
                        chunk = sock.recv(reply_bytes - got)
                    except BlockingIOError:
                        yield "read", sock          # paused until the reply arrives
                        continue
                    if not chunk:
                        raise ConnectionError("the server closed the connection")
                    got += len(chunk)
                latencies.append(time.perf_counter_ns() - start)
            sock.close()

        def run(generators):
            waiting = {"read": {}, "write": {}}
            def step(gen):
                try:
                    kind, sock = next(gen)          # run it to its next yield
                except StopIteration:
                    return                          # that client is done
                waiting[kind][sock] = gen
            for gen in generators:
                step(gen)
            while waiting["read"] or waiting["write"]:
                readable, writable, _ = select.select(list(waiting["read"]), list(waiting["write"]), [])
                for sock in readable:
                    step(waiting["read"].pop(sock))
                for sock in writable:
                    step(waiting["write"].pop(sock))

        port, requests, clients, reply_bytes = map(int, sys.argv[1:5])
        latencies, connected = [], []
        run([client(port, range(k, requests, clients), reply_bytes, latencies, connected) for k in range(clients)])
        print("ready", max(connected))
        print("latencies", *latencies)

        """#

    /// The lines after `shared` that differ between python3 and conclab's Python.
    static func measures(_ mode: IOMode) -> String {
        mode == .py ? "# conclab measures the CPU time and the memory of this program itself\n" : #"""
        print("cpu", time.process_time_ns())
        with open("/proc/self/smaps_rollup") as f:
            pss = [int(line.split()[1]) * 1024 for line in f if line.startswith("Pss:")]
        print("pss", pss[0] if pss else 0)
        """#
    }

    /// The program `mode` (python or py) runs.
    package static func program(_ mode: IOMode) -> String { shared + measures(mode) }

    /// Runs the program with python3 against `server`; figures as the other modes have them (memory: python3's PSS).
    package static func run(_ python: String, _ settings: IOFetchSettings, clients: Int, server: IOServerProcess,
                            _ context: Context) throws -> IOFetchFigures {
        let start = Clock.monotonicNanoseconds()
        let output = try RealPython.output(python, program(.python), [String(server.port), String(settings.requests), String(clients),
                                                             String(settings.replyBytes)],
                                           seconds: 120, finishing: "the requests", stop: { context.cancellation.isCancelled })
        let end = Clock.monotonicNanoseconds()
        let report = IOWorkerReport(output)
        guard report.complete else { throw CommandError("python3 ended without reporting every figure: \(output.suffix(400))") }
        return IOFetchFigures(mode: .python, clients: clients, requests: report.latencies.count, wallNanoseconds: end - start,
                              cpuNanoseconds: report.cpu, memoryBytes: report.pss, startupNanoseconds: report.ready - start,
                              latencies: Statistics(report.latencies), idealNanoseconds: settings.idealNanoseconds(clients: clients),
                              serverPID: server.pid)
    }
}

extension IOPythonLoop {
    /// Runs the program in conclab's Python, on the command thread, in a runtime of its own whose sockets may reach
    /// only `server`; a Ctrl-C ends its waits (in select and recv) at once. CPU is the thread's, memory the shell's RSS
    /// growth, as the loop mode measures them.
    package static func runConclab(_ settings: IOFetchSettings, clients: Int, server: IOServerProcess, _ context: Context) throws -> IOFetchFigures {
        let runtime = PyRuntime(settings: PyRuntime.shared(for: context.session).settings)
        runtime.confineFiles(to: context.session)
        let code: CodeObject
        do { code = try runtime.compile(program(.py)) } catch { throw CommandError("io fetch py: the program does not compile: \(error)") }
        do {
            try runtime.setArguments(["io-fetch-py", String(server.port), String(settings.requests), String(clients), String(settings.replyBytes)])
        } catch { throw CommandError("io fetch py: \(error.summary)") }
        let rssBefore = (try? ProcFS.memory())?.rssBytes ?? 0
        let cpuBefore = Clock.threadCPUNanoseconds()
        let start = Clock.monotonicNanoseconds()
        let outcome = runtime.runContained(code, allowing: [server.port], cancellation: context.cancellation)
        let end = Clock.monotonicNanoseconds()
        let cpu = Clock.threadCPUNanoseconds() - cpuBefore
        let rss = (try? ProcFS.memory())?.rssBytes ?? 0
        try context.checkCancelled()
        if let error = outcome.error { throw CommandError("io fetch py: conclab's Python stopped: \(error)") }
        let report = IOWorkerReport(outcome.output)
        guard report.ready > 0, report.latencies.count == settings.requests else {
            throw CommandError("io fetch py: the program ended without reporting every request: \(outcome.output.suffix(400))")
        }
        return IOFetchFigures(mode: .py, clients: clients, requests: report.latencies.count, wallNanoseconds: end - start,
                              cpuNanoseconds: cpu, memoryBytes: max(0, rss - rssBefore), startupNanoseconds: report.ready - start,
                              latencies: Statistics(report.latencies), idealNanoseconds: settings.idealNanoseconds(clients: clients),
                              serverPID: server.pid)
    }
}
