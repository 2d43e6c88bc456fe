import LabOS
import LabCore

/// `io fetch python`: the event loop of `io fetch loop`, written in Python with generators and `select`, run by the
/// real python3 against the same server. `io fetch python --show` prints it: the bridge from the generators of the
/// first lab to asyncio, small enough to read.
package enum IOPythonLoop {
    package static let program = #"""
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
        print("cpu", time.process_time_ns())
        with open("/proc/self/smaps_rollup") as f:
            pss = [int(line.split()[1]) * 1024 for line in f if line.startswith("Pss:")]
        print("pss", pss[0] if pss else 0)
        """#

    /// Runs the program with python3 against `server`; figures as the other modes have them (memory: python3's PSS).
    package static func run(_ python: String, _ settings: IOFetchSettings, clients: Int, server: IOServerProcess,
                            _ context: Context) throws -> IOFetchFigures {
        let start = Clock.monotonicNanoseconds()
        let output = try RealPython.output(python, program, [String(server.port), String(settings.requests), String(clients),
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
