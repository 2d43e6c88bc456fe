import LabOS
import LabCore
import Synchronization

/// `io`: real I/O against a local server that answers each request after a set latency. The same requests are
/// made one after another, by K threads, by K processes, and by one thread running K coroutines over epoll (an
/// event loop built from generators), and the four are compared: wall time, CPU, memory, start-up, latency.
/// `io convoy` then shows where threads are not good for I/O: an I/O thread beside a CPU-bound one under a GIL.
package enum IOMode: String, CaseIterable, Sendable {
    case sequential, threads, processes, loop
    /// The same event loop in Python (generators and select), run by python3: not part of `all`.
    case python
    /// The same Python program run by conclab's own Python (in a replayed lab too).
    case py

    /// The modes `io fetch all` runs (python3 may be absent, and a replayed lab does not run it; conclab's Python
    /// adds about one ideal time, a tenth of the whole).
    package static let shell: [IOMode] = [.sequential, .threads, .processes, .loop, .py]

    package var label: String {
        switch self {
        case .sequential: return "one after another"
        case .threads: return "threads"
        case .processes: return "processes"
        case .loop: return "event loop (coroutines over epoll)"
        case .python: return "python3's event loop (generators over select)"
        case .py: return "conclab's Python event loop (generators over select)"
        }
    }
}

package struct IOFetchSettings: Sendable {
    package var requests = 50
    package var clients = 10
    package var latencyNanoseconds: Int64 = 20_000_000
    package var replyBytes = IOWire.defaultReplyBytes

    package init(requests: Int = 50, clients: Int = 10, latencyNanoseconds: Int64 = 20_000_000, replyBytes: Int = IOWire.defaultReplyBytes) {
        self.requests = requests
        self.clients = clients
        self.latencyNanoseconds = latencyNanoseconds
        self.replyBytes = replyBytes
    }

    /// The request numbers client `index` of `count` makes: every count-th, so each has its share.
    package func ids(client index: Int, of count: Int) -> [UInt64] {
        Array(stride(from: index, to: requests, by: count)).map { UInt64($0) }
    }

    /// The least wall time the server's latency allows: the busiest client's requests, one latency each.
    package func idealNanoseconds(clients count: Int) -> Int64 {
        Int64((requests + count - 1) / count) * latencyNanoseconds
    }
}

package struct IOFetchFigures: Sendable {
    package var mode: IOMode
    package var clients: Int
    package var requests: Int
    package var wallNanoseconds: Int64
    /// CPU time of the clients: the shell's for sequential, threads and loop, the client processes' own (plus the
    /// shell's while it waited) for processes. The server's is not counted.
    package var cpuNanoseconds: Int64
    /// What the clients added: the client processes' PSS, or the shell's RSS growth while its threads (or loop) ran.
    package var memoryBytes: Int64
    /// From the start until the last client had connected (a process must start first).
    package var startupNanoseconds: Int64
    package var latencies: Statistics
    package var idealNanoseconds: Int64
    package var serverPID: Int32
}

/// The server, seen from the shell: a worker process on TCP loopback. Closing `control` ends it.
package final class IOServerProcess: @unchecked Sendable {
    package let pid: Int32
    package let port: UInt16
    private let control: Int32
    private var stopped = false

    /// Starts it; call on the command thread (the child's parent-death signal follows the thread that spawned it).
    package init(latencyNanoseconds: Int64, replyBytes: Int) throws {
        let (listener, port) = try Sockets.listenTCP(backlog: 512)
        defer { try? FileDescriptor(listener).close() }
        let pipe = try System.pipe()
        let pid: Int32
        do {
            pid = try IPCWorkers.startCopy(handing: [listener, pipe.read]) { numbers in
                [IOWorkerMode.flag, "serve"] + numbers.map(String.init) + [String(latencyNanoseconds), String(replyBytes)]
            }.pid
        } catch {
            try? FileDescriptor(pipe.read).close()
            try? FileDescriptor(pipe.write).close()
            throw error
        }
        try? FileDescriptor(pipe.read).close()
        self.pid = pid
        self.port = port
        self.control = pipe.write
    }

    /// Ends the server (end of file on its control pipe) and reaps it; SIGKILL if it has not ended within a second.
    package func stop() {
        guard !stopped else { return }
        stopped = true
        try? FileDescriptor(control).close()
        _ = ChildProcess.reap(pid, within: 1_000_000_000)
    }

    /// Kills it at once: every client blocked on it gets end of file or a reset.
    package func kill() { try? ChildProcess.signal(pid, Signals.kill) }

    deinit { stop() }
}

package enum IOFetchRunner {
    /// Runs `mode` against `server`. Blocking work runs on helper threads (or client processes) while the command
    /// thread watches for Ctrl-C; cancelling kills the server, which ends every blocked call at once.
    package static func run(_ mode: IOMode, _ settings: IOFetchSettings, server: IOServerProcess, _ context: Context) throws -> IOFetchFigures {
        let clients = mode == .sequential ? 1 : min(settings.clients, settings.requests)
        let rssBefore = (try? ProcFS.memory())?.rssBytes ?? 0
        let cpuBefore = Clock.processCPUNanoseconds()
        let start = Clock.monotonicNanoseconds()
        var figures: IOFetchFigures
        precondition(mode != .python && mode != .py, "the Python loops run through IOPythonLoop")
        switch mode {
        case .processes:
            figures = try runProcesses(settings, clients: clients, server: server, start: start, context)
        default:
            let outcome = Gate<Result<(latencies: [Int64], connected: Int64, rss: Int64), OSError>?>(nil)
            let stop = StopFlag()
            try OSThread.detach(name: "conclab-io") {
                let result = Result { () throws(OSError) -> (latencies: [Int64], connected: Int64, rss: Int64) in
                    switch mode {
                    case .sequential: return try sequential(settings, port: server.port)
                    case .threads: return try threads(settings, clients: clients, port: server.port, stop: stop)
                    default: return try loop(settings, clients: clients, port: server.port, stop: stop)
                    }
                }
                outcome.update { $0 = result }
            }
            let result = waitCancellable(outcome, context) { stop.stop(); server.kill() }
            let end = Clock.monotonicNanoseconds()
            try context.checkCancelled()
            let measured: (latencies: [Int64], connected: Int64, rss: Int64)
            switch result {
            case .success(let m): measured = m
            case .failure(let error): throw CommandError("io fetch \(mode.rawValue): \(error)")
            }
            figures = IOFetchFigures(mode: mode, clients: clients, requests: measured.latencies.count, wallNanoseconds: end - start,
                                     cpuNanoseconds: Clock.processCPUNanoseconds() - cpuBefore,
                                     memoryBytes: max(0, measured.rss - rssBefore), startupNanoseconds: measured.connected - start,
                                     latencies: Statistics(measured.latencies), idealNanoseconds: 0, serverPID: server.pid)
        }
        figures.idealNanoseconds = settings.idealNanoseconds(clients: clients)
        return figures
    }

    /// Waits for a helper thread's `outcome`, polling for Ctrl-C; on the first, `onCancel` (which must end the helper).
    package static func waitCancellable<T>(_ outcome: Gate<T?>, _ context: Context, onCancel: () -> Void) -> T {
        var cancelled = false
        while true {
            if let result = outcome.wait(timeoutNanoseconds: 20_000_000, until: { $0 }) { return result }
            if context.cancellation.isCancelled && !cancelled {
                cancelled = true
                onCancel()
            }
        }
    }

    private static func sequential(_ settings: IOFetchSettings, port: UInt16) throws(OSError) -> (latencies: [Int64], connected: Int64, rss: Int64) {
        let connection = try IOConnection(port: port, replyBytes: settings.replyBytes)
        defer { connection.close() }
        let connected = Clock.monotonicNanoseconds()
        let rss = (try? ProcFS.memory())?.rssBytes ?? 0
        var latencies: [Int64] = []
        for id in 0..<settings.requests { latencies.append(try connection.request(UInt64(id))) }
        return (latencies, connected, rss)
    }

    /// K threads, each with its own connection, its share of the requests one after another.
    private static func threads(_ settings: IOFetchSettings, clients: Int, port: UInt16, stop: StopFlag) throws(OSError) -> (latencies: [Int64], connected: Int64, rss: Int64) {
        struct State { var finished = 0; var connected = 0; var lastConnect: Int64 = 0; var latencies: [Int64] = []; var error: OSError? }
        let state = Gate(State())
        var started = 0
        for index in 0..<clients {
            let ids = settings.ids(client: index, of: clients)
            do throws(OSError) {
                _ = try OSThread.detach(name: "conclab-io-\(index)") {
                    var mine: [Int64] = []
                    var failure: OSError?
                    do throws(OSError) {
                        let connection = try IOConnection(port: port, replyBytes: settings.replyBytes)
                        defer { connection.close() }
                        state.update { $0.connected += 1; $0.lastConnect = max($0.lastConnect, Clock.monotonicNanoseconds()) }
                        for id in ids where !stop.isStopped { mine.append(try connection.request(id)) }
                    } catch { failure = error }
                    state.update {
                        $0.finished += 1
                        $0.latencies += mine
                        if $0.error == nil { $0.error = failure }
                    }
                }
                started += 1
            } catch {
                stop.stop()
                state.update { if $0.error == nil { $0.error = error } }
                break
            }
        }
        // The memory the threads added, read once all have connected (their stacks and buffers are in use).
        _ = state.wait(timeoutNanoseconds: 5_000_000_000) { $0.connected == started || $0.error != nil || $0.finished == started ? true : nil }
        let rss = (try? ProcFS.memory())?.rssBytes ?? 0
        let done = state.wait { $0.finished == started ? $0 : nil } ?? State()
        if let error = done.error { throw error }
        return (done.latencies, done.lastConnect, rss)
    }

    /// One thread, K coroutines, one epoll set.
    private static func loop(_ settings: IOFetchSettings, clients: Int, port: UInt16, stop: StopFlag) throws(OSError) -> (latencies: [Int64], connected: Int64, rss: Int64) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1 << 16, IOWire.requestBytes), alignment: 16)
        defer { buffer.deallocate() }
        var coroutines = (0..<clients).map {
            FetchCoroutine(port: port, ids: settings.ids(client: $0, of: clients), replyBytes: settings.replyBytes, buffer: buffer)
        }
        do {
            try IOScheduler.run(&coroutines, stop: { stop.isStopped })
        } catch {
            for i in coroutines.indices { coroutines[i].abandon() }
            throw error
        }
        let rss = (try? ProcFS.memory())?.rssBytes ?? 0
        return (coroutines.flatMap(\.latencies), coroutines.map(\.connectedAt).max() ?? 0, rss)
    }

    /// K client processes (conclab in `__io-worker fetch` mode), each with its share, reporting over a pipe.
    private static func runProcesses(_ settings: IOFetchSettings, clients: Int, server: IOServerProcess, start: Int64,
                                     _ context: Context) throws -> IOFetchFigures {
        let shellCPU = Clock.processCPUNanoseconds()
        var workers: [(pid: Int32, report: Int32)] = []
        func killAll() { for w in workers { try? ChildProcess.signal(w.pid, Signals.kill) } }
        defer {
            for w in workers {
                try? FileDescriptor(w.report).close()
                _ = ChildProcess.reap(w.pid, within: 1_000_000_000)
            }
        }
        for index in 0..<clients {
            let pipe = try System.pipe()
            do {
                let count = settings.ids(client: index, of: clients).count
                let pid = try IPCWorkers.startCopy(handing: [pipe.write]) { numbers in
                    [IOWorkerMode.flag, "fetch", String(server.port), String(index), String(clients), String(count),
                     String(settings.replyBytes)] + numbers.map(String.init)
                }.pid
                try? FileDescriptor(pipe.write).close()
                workers.append((pid, pipe.read))
            } catch {
                try? FileDescriptor(pipe.read).close()
                try? FileDescriptor(pipe.write).close()
                killAll()
                throw error
            }
        }
        let reports = workers.map(\.report)
        let outcome = Gate<[String]?>(nil)
        try OSThread.detach(name: "conclab-io-reports") {
            let texts = reports.map { fd -> String in
                var bytes: [UInt8] = []
                while let chunk = try? FileDescriptor(fd).read(upTo: 1 << 16), !chunk.isEmpty { bytes += chunk }
                return String(decoding: bytes, as: UTF8.self)
            }
            outcome.update { $0 = texts }
        }
        let texts = waitCancellable(outcome, context) { killAll(); server.kill() }
        let end = Clock.monotonicNanoseconds()
        try context.checkCancelled()
        var latencies: [Int64] = []
        var ready: Int64 = start
        var cpu: Int64 = 0
        var pss: Int64 = 0
        for (index, text) in texts.enumerated() {
            let report = IOWorkerReport(text)
            if let error = report.error { throw CommandError("io fetch processes: client \(index + 1): \(error)") }
            guard report.complete else { throw CommandError("io fetch processes: client \(index + 1) ended without reporting") }
            latencies += report.latencies
            ready = max(ready, report.ready)
            cpu += report.cpu
            pss += report.pss
        }
        return IOFetchFigures(mode: .processes, clients: clients, requests: latencies.count, wallNanoseconds: end - start,
                              cpuNanoseconds: cpu + Clock.processCPUNanoseconds() - shellCPU, memoryBytes: pss,
                              startupNanoseconds: ready - start, latencies: Statistics(latencies), idealNanoseconds: 0,
                              serverPID: server.pid)
    }
}

/// What one client process wrote to its report pipe (see `IOWorkerMode`).
package struct IOWorkerReport: Equatable {
    package var ready: Int64 = 0
    package var latencies: [Int64] = []
    package var cpu: Int64 = 0
    package var pss: Int64 = 0
    package var error: String?
    package var complete = false

    package init(_ text: String) {
        var sawLatencies = false, sawCPU = false
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard let key = parts.first else { continue }
            let rest = parts.count > 1 ? parts[1] : ""
            switch key {
            case "ready": ready = Int64(rest) ?? 0
            case "latencies": latencies = rest.split(separator: " ").compactMap { Int64($0) }; sawLatencies = true
            case "cpu": cpu = Int64(rest) ?? 0; sawCPU = true
            case "pss": pss = Int64(rest) ?? 0
            case "error": error = rest
            default: continue
            }
        }
        complete = sawLatencies && sawCPU && ready > 0
    }
}
