import LabOS
import LabCore
import PyLab

/// `io`: real I/O against a local server with a set latency (see `IOMode` and `IOConvoy`).
package struct IOCommand: Command {
    package init() {}
    package let spec = CommandSpec("io", summary: "real I/O: requests to a local server with a set latency, made in sequence, by threads, processes or an event loop",
                                   discussion: """
                                       Each command starts its own server, a worker process on TCP loopback (127.0.0.1) that answers \
                                       every request after --latency milliseconds, as a database or a web service would, without \
                                       using the CPU while it waits; it is stopped when the command ends.
                                       """)
    package let verbs: [any Command] = [IOFetch(), IOConvoyCommand()]
    package let defaultVerb: String? = "fetch"
}

package struct IOFetch: Command {
    package let spec = CommandSpec("fetch", summary: "make N requests one after another, with K threads, K processes or K coroutines on one thread; compare",
                                   arguments: [ArgumentSpec("MODE", .choice(IOMode.allCases.map(\.rawValue) + ["all"]), optional: true,
                                                            help: "sequential, threads, processes, loop (an event loop), py (the loop in Python, run by conclab's Python), all of these (default), or python (the same Python run by python3)")],
                                   flags: [FlagSpec("requests", short: "n", value: .integer, valueName: "N", help: "requests in all (default 50, 1 to 100000)"),
                                           FlagSpec("clients", short: "k", value: .integer, valueName: "K", help: "threads, processes or coroutines (default 10; processes at most 32, the rest 500)"),
                                           FlagSpec("latency", value: .integer, valueName: "MS", help: "how long the server takes to answer each request (default 20, 0 to 1000)"),
                                           FlagSpec("reply-bytes", value: .integer, valueName: "B", help: "the size of each reply (default 64; up to 16 MiB: a stream)"),
                                           FlagSpec("show", help: "with py or python: print the Python program instead of running it")],
                                   examples: ["io fetch", "io fetch loop -n 1000 -k 100", "io fetch threads --latency 50", "io fetch py --show", "io fetch py -n 200",
                                              "io fetch python"],
                                   discussion: """
                                       sequential: one connection, each request sent when the last reply has come. threads: K threads \
                                       of the shell, each with a connection and its share of the requests, each blocking in recv() \
                                       while it waits (the kernel puts it to sleep; others run). processes: K copies of conclab, the \
                                       same. loop: one thread and K coroutines. Each coroutine is a client written like a generator: it \
                                       runs until its socket would block, then gives back (yields) the socket and the event it waits \
                                       for; the scheduler asks epoll which sockets are ready and resumes their coroutines. That is what \
                                       asyncio does, with 'await' where the generator has 'yield'. py: the same loop written in Python, \
                                       generators and select.select() ('io fetch py --show' prints it), run by conclab's own Python on \
                                       the command's thread, whose sockets may reach only this command's server (its cpu_ms is that \
                                       thread's, its memory_bytes the shell's growth). python: the same program run by python3 (not in a \
                                       replayed lab; only the lines that report the figures differ: python3 prints its CPU time and \
                                       its memory_bytes is the whole python3's PSS). wall_ms is set against ideal_ms, the \
                                       least the latency allows (the busiest client's requests, one latency each); cpu_ms is the clients' \
                                       CPU time (not the server's); memory_bytes is what the clients added: the client processes' own \
                                       PSS, or how much the shell's resident memory grew while its threads or its loop ran.
                                       """,
                                   fields: [.column("mode", "sequential, threads, processes, loop, py or python"),
                                            .column("clients", "connections at once (1 for sequential)"),
                                            .column("requests", "requests answered"),
                                            .column("wall_ms", "from the start until the last reply"),
                                            .column("ideal_ms", "the least the latency allows: ceil(requests / clients) × latency"),
                                            .column("cpu_ms", "CPU time the clients used"),
                                            .column("memory_bytes", "memory the clients added (processes: their PSS; otherwise the shell's RSS growth)"),
                                            .column("startup_ms", "until the last client had connected"),
                                            .column("p50_ms", "the median request's latency, as its client saw it"),
                                            .column("p99_ms", "the 99th percentile latency"),
                                            FieldSpec("latency_ms", "the server's latency (--latency; not when python3 was skipped)", occasional: true),
                                            FieldSpec("server_pid", "the server's process id, ended since (not when python3 was skipped)", occasional: true),
                                            FieldSpec("fastest", "the mode with the least wall time (not when python3 was skipped)", occasional: true),
                                            FieldSpec("cpython", "python: ran, or skipped (a replayed lab, or no python3)", occasional: true),
                                            FieldSpec("note", "python: why python3 was skipped", occasional: true)])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let choice = arguments.string("MODE") ?? "all"
        let modes = choice == "all" ? IOMode.shell : IOMode(rawValue: choice).map { [$0] } ?? []
        if arguments.flag("show") {
            guard let mode = modes.first, modes.count == 1, mode == .python || mode == .py else {
                throw UsageError("--show prints the Python program: 'io fetch python --show' or 'io fetch py --show'", usage: arguments.usage)
            }
            return .text(IOPythonLoop.program(mode))
        }
        var python: String?
        if modes == [.python] {
            func skipped(_ why: String) -> LabResult {
                .record(Record(title: "io fetch python skipped: \(why)", [("cpython", .string("skipped")), ("note", .string(why))]))
            }
            switch RealPython.locate(context.session) {
            case .success(let path): python = path
            case .failure(let unavailable): return skipped(unavailable.reason)
            }
        }
        let requests = try arguments.integer("requests", default: 50, range: 1...100_000)
        let clientLimit = modes.contains(.processes) ? 32 : 500
        let clients = try arguments.integer("clients", default: 10, range: 1...clientLimit)
        let latency = try arguments.integer("latency", default: 20, range: 0...1000)
        let replyBytes = try arguments.integer("reply-bytes", default: IOWire.defaultReplyBytes, range: IOWire.requestBytes...(16 << 20))
        let settings = IOFetchSettings(requests: requests, clients: clients, latencyNanoseconds: Int64(latency) * 1_000_000, replyBytes: replyBytes)
        let server = try IOServerProcess(latencyNanoseconds: settings.latencyNanoseconds, replyBytes: replyBytes)
        defer { server.stop() }
        var all: [IOFetchFigures] = []
        for (index, mode) in modes.enumerated() {
            context.progress(Double(index) / Double(modes.count), mode.rawValue)
            if let python {
                all.append(try IOPythonLoop.run(python, settings, clients: min(clients, requests), server: server, context))
            } else if mode == .py {
                all.append(try IOPythonLoop.runConclab(settings, clients: min(clients, requests), server: server, context))
            } else {
                all.append(try IOFetchRunner.run(mode, settings, server: server, context))
            }
        }
        let rows: [[Value]] = all.map {
            [.string($0.mode.rawValue), .int($0.clients), .int($0.requests), .ms($0.wallNanoseconds), .ms($0.idealNanoseconds),
             .ms($0.cpuNanoseconds), .bytes($0.memoryBytes), .ms($0.startupNanoseconds), .ms($0.latencies.median), .ms($0.latencies.p99)]
        }
        let fastest = all.min { $0.wallNanoseconds < $1.wallNanoseconds }
        let title: String
        if all.count == 1, let only = all.first {
            title = "\(only.requests) requests, \(only.mode.label)\(only.mode == .sequential ? "" : " (\(only.clients))"): "
                + "\(Format.duration(nanoseconds: Double(only.wallNanoseconds))) (\(latency) ms each at the server)"
        } else {
            title = "\(requests) requests, \(latency) ms each at the server, \(clients) clients at once: "
                + "fastest \(fastest?.mode.rawValue ?? "none")"
        }
        return .table(Table(title: title,
                            columns: ["mode", "clients", "requests", "wall_ms", "ideal_ms", "cpu_ms", "memory_bytes", "startup_ms", "p50_ms", "p99_ms"],
                            rows: rows,
                            summary: Record([("latency_ms", .int(latency)), ("server_pid", .int(Int(server.pid))),
                                             ("fastest", .string(fastest?.mode.rawValue ?? ""))] + (python == nil ? [] : [("cpython", .string("ran"))])),
                            bars: Bars(column: "wall_ms")))
    }
}

package struct IOConvoyCommand: Command {
    package let spec = CommandSpec("convoy", summary: "an I/O thread's latency alone and beside a CPU-bound thread, with a GIL and without",
                                   flags: [FlagSpec("requests", short: "n", value: .integer, valueName: "N", help: "requests per setup (default 40, 5 to 2000)"),
                                           FlagSpec("latency", value: .integer, valueName: "MS", help: "the server's latency (default 2, 0 to 100)"),
                                           FlagSpec("interval", value: .integer, valueName: "MS", help: "the GIL's switch interval (default 5, as CPython's; 1 to 100)"),
                                           FlagSpec("cpython", help: "also run the same in python3 (not in a replayed lab)")],
                                   examples: ["io convoy", "io convoy --cpython", "io convoy --interval 1"],
                                   discussion: """
                                       One thread makes requests one after another; beside it, in some setups, a thread computes without \
                                       pause. With conclab's GIL (CPython's rules: a thread waiting for the GIL asks the holder to drop \
                                       it after one switch interval), the I/O thread lets the GIL go around each send and each receive, \
                                       as CPython's socket module does, and must take it back when the call returns. While it waits for a \
                                       reply, a CPU-bound thread beside it takes the GIL and keeps it: when the reply comes, the I/O \
                                       thread waits up to an interval more; sometimes twice a request, when the computing thread has \
                                       taken the GIL during the send too (python3 does the same). Without a GIL the woken thread just runs. With --cpython, python3 runs the same two threads (a socket thread and 'while not done: x += \
                                       1') with sys.setswitchinterval set to --interval.
                                       """,
                                   fields: [.column("setup", "GIL or not, alone or beside a CPU-bound thread; python3 rows with --cpython"),
                                            .column("requests", "requests timed"),
                                            .column("p50_ms", "the median latency"),
                                            .column("p99_ms", "the 99th percentile latency"),
                                            .column("added_ms", "the median latency less the server's"),
                                            .column("forced_switches", "times the CPU-bound thread was asked to drop the GIL (conclab's GIL; null for python3, which does not say)"),
                                            FieldSpec("latency_ms", "the server's latency"),
                                            FieldSpec("interval_ms", "the switch interval"),
                                            FieldSpec("alone_p50_ms", "the median latency with a GIL, alone"),
                                            FieldSpec("gil_p50_ms", "the median latency with a GIL, beside the CPU-bound thread"),
                                            FieldSpec("nogil_p50_ms", "the median latency without a GIL, beside the CPU-bound thread"),
                                            FieldSpec("cpython", "ran, skipped (a replayed lab, or no python3), or 'not asked' (no --cpython)"),
                                            FieldSpec("note", "why python3 was skipped", occasional: true),
                                            FieldSpec("cpython_alone_p50_ms", "python3's median latency alone", occasional: true),
                                            FieldSpec("cpython_p50_ms", "python3's median latency beside its CPU-bound thread", occasional: true)])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let requests = try arguments.integer("requests", default: 40, range: 5...2000)
        let latency = try arguments.integer("latency", default: 2, range: 0...100)
        let interval = try arguments.integer("interval", default: 5, range: 1...100)
        let intervalNs = Int64(interval) * 1_000_000
        let server = try IOServerProcess(latencyNanoseconds: Int64(latency) * 1_000_000, replyBytes: IOWire.defaultReplyBytes)
        defer { server.stop() }
        var cpython = "not asked"
        var skipNote: String?
        var python: String?
        if arguments.flag("cpython") {
            switch RealPython.locate(context.session) {
            case .success(let path): python = path; cpython = "ran"
            case .failure(let unavailable): cpython = "skipped"; skipNote = unavailable.reason
            }
        }
        var setups: [IOConvoy.Setup] = [.gilAlone, .gilBeside, .noGILBeside]
        if python != nil { setups += [.cpythonAlone, .cpythonBeside] }
        var rows: [IOConvoy.Row] = []
        for (index, setup) in setups.enumerated() {
            context.progress(Double(index) / Double(setups.count), setup.rawValue)
            if let python, setup == .cpythonAlone || setup == .cpythonBeside {
                rows.append(try IOConvoy.measureCPython(python, beside: setup == .cpythonBeside, requests: requests, port: server.port,
                                                        intervalNanoseconds: intervalNs, stop: { context.cancellation.isCancelled }))
                continue
            }
            let stop = StopFlag()
            let outcome = Gate<Result<IOConvoy.Row, OSError>?>(nil)
            let port = server.port
            try OSThread.detach(name: "conclab-io") {
                let result = Result { () throws(OSError) -> IOConvoy.Row in
                    try IOConvoy.measure(setup, requests: requests, port: port, intervalNanoseconds: intervalNs, stop: stop)
                }
                outcome.update { $0 = result }
            }
            let result = IOFetchRunner.waitCancellable(outcome, context) { stop.stop(); server.kill() }
            try context.checkCancelled()
            switch result {
            case .success(let row): rows.append(row)
            case .failure(let error): throw CommandError("io convoy (\(setup.rawValue)): \(error)")
            }
        }
        let latencyNs = Int64(latency) * 1_000_000
        func p50(_ setup: IOConvoy.Setup) -> Int64? { rows.first { $0.setup == setup }.map { Statistics($0.latencies).median } }
        let table: [[Value]] = rows.map { row in
            let stats = Statistics(row.latencies)
            return [.string(row.setup.rawValue), .int(row.latencies.count), .ms(stats.median), .ms(stats.p99),
                    .ms(stats.median - latencyNs), row.forcedSwitches.map { .int($0) } ?? .null]
        }
        var summary: [(String, Value)] = [("latency_ms", .int(latency)), ("interval_ms", .int(interval)),
                                          ("alone_p50_ms", .ms(p50(.gilAlone) ?? 0)), ("gil_p50_ms", .ms(p50(.gilBeside) ?? 0)),
                                          ("nogil_p50_ms", .ms(p50(.noGILBeside) ?? 0)), ("cpython", .string(cpython))]
        if let skipNote { summary.append(("note", .string("python3 skipped: " + skipNote))) }
        if let alone = p50(.cpythonAlone), let beside = p50(.cpythonBeside) {
            summary += [("cpython_alone_p50_ms", .ms(alone)), ("cpython_p50_ms", .ms(beside))]
        }
        let added = (p50(.gilBeside) ?? 0) - (p50(.gilAlone) ?? 0)
        let title = "beside a CPU-bound thread, the GIL added \(Format.duration(nanoseconds: Double(max(0, added)))) to each request's median "
            + "(switch interval \(interval) ms, server \(latency) ms)"
        return .table(Table(title: title, columns: ["setup", "requests", "p50_ms", "p99_ms", "added_ms", "forced_switches"],
                            rows: table, summary: Record(summary), bars: Bars(column: "p50_ms")))
    }
}
