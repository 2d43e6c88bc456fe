import LabOS
import Synchronization
import LabCore
import PyLab

/// `ipc bench`: what a message costs. Round-trip latency (median and p99 of `count` ping-pongs of `size` bytes) and
/// one-way bandwidth (`total` bytes in `block`-byte writes, then a one-byte acknowledgement) between the shell and
/// a worker process over a pipe pair, a Unix socket pair and TCP loopback, and between two threads of the shell
/// over an in-process queue, which passes a reference and copies nothing; and through memory shared with a forked
/// child (`SharedMemoryBench` in LabOS): the shell copies each block into a ring in the segment once, the child reads
/// it in place, and a round trip is a spin-then-futex handshake over two sequence numbers, not a system call each way.
///
/// The shell's side runs on a helper thread with plain blocking reads and writes (what a C ping-pong does), while
/// the command thread watches for Ctrl-C; cancelling kills the worker, which ends every blocked call at once.
package enum IPCBenchTransport: String, CaseIterable, Sendable {
    case pipe, unix, tcp, shm, queue

    package var label: String {
        switch self {
        case .pipe: return "pipe (2 pipes) ↔ process"
        case .unix: return "unix socket pair ↔ process"
        case .tcp: return "tcp 127.0.0.1 ↔ process"
        case .shm: return "shared memory ↔ process (futex handshake)"
        case .queue: return "queue ↔ thread (no copy)"
        }
    }
}

package struct IPCBenchSettings: Sendable {
    package var size = 64
    package var count = 10_000
    package var block = 1 << 16
    package var total = 16 << 20
    package var warmup: Int { min(1000, max(10, count / 10)) }
    package var blocks: Int { max(1, total / block) }

    package init(size: Int = 64, count: Int = 10_000, block: Int = 1 << 16, total: Int = 16 << 20) {
        self.size = size
        self.count = count
        self.block = block
        self.total = total
    }
}

package struct IPCBenchFigures: Sendable {
    package var transport: IPCBenchTransport
    package var roundTrips: Statistics
    /// Bytes per second, one way.
    package var bandwidth: Double


    package init(transport: IPCBenchTransport, roundTrips: Statistics, bandwidth: Double) {

        self.transport = transport

        self.roundTrips = roundTrips

        self.bandwidth = bandwidth

    }
}

/// Progress of the helper thread, read by the command thread for the progress bar.
package final class BenchProgress: Sendable {
    package let done = Atomic<Int>(0)
}

package enum IPCBenchRunner {
    /// Measures one transport. Runs on the command thread (a worker must be spawned by it: its parent-death signal
    /// follows the spawning thread); the traffic itself runs on a helper thread.
    package static func measure(_ transport: IPCBenchTransport, _ settings: IPCBenchSettings, _ context: Context,
                        progress: @escaping (Double) -> Void) throws -> IPCBenchFigures {
        if transport == .queue { return try measureQueue(settings, context, progress: progress) }
        if transport == .shm { return try measureSharedMemory(settings, context, progress: progress) }
        let ends = try BenchEnds.make(transport)
        defer { ends.close() }
        let counter = BenchProgress()
        let outcome = Gate<Result<IPCBenchFigures, OSError>?>(nil)
        let (writeFD, readFD) = (ends.write, ends.read)
        try OSThread.detach(name: "conclab-ipcbench") {
            let result = Result<IPCBenchFigures, OSError> { () throws(OSError) -> IPCBenchFigures in
                try drive(transport, write: writeFD, read: readFD, settings, counter)
            }
            outcome.update { $0 = result }
        }
        let expected = settings.warmup + settings.count + settings.blocks
        var cancelled = false
        var result: Result<IPCBenchFigures, OSError>?
        while result == nil {
            result = outcome.wait(timeoutNanoseconds: 20_000_000) { $0 }
            if result == nil {
                progress(Double(counter.done.load(ordering: .relaxed)) / Double(expected))
                if context.cancellation.isCancelled && !cancelled {
                    cancelled = true
                    // Ends every blocked read and write of the helper thread: the other side is gone.
                    ends.killWorker()
                }
            }
        }
        if cancelled { throw Cancelled() }
        switch result {
        case .success(let figures)?: return figures
        case .failure(let error)?: throw CommandError("\(transport.rawValue) benchmark: \(error) (worker \(ends.workerState()))")
        case nil: throw Cancelled()
        }
    }

    /// The shell's side: header, ping-pongs (timed one by one), header, the stream, the acknowledgement.
    package static func drive(_ transport: IPCBenchTransport, write: Int32, read: Int32, _ settings: IPCBenchSettings,
                      _ progress: BenchProgress) throws(OSError) -> IPCBenchFigures {
        let size = settings.size
        let message = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, settings.block), alignment: 16)
        defer { message.deallocate() }
        message.initializeMemory(as: UInt8.self, repeating: UInt8(ascii: "x"))
        let rounds = settings.warmup + settings.count
        try FileDescriptor(write).writeAll(IPCBenchProtocol.header(IPCBenchProtocol.pingPong, size: size, count: rounds))
        var samples = [Int64](repeating: 0, count: settings.count)
        let outgoing = UnsafeRawBufferPointer(rebasing: message[0..<size])
        let incoming = UnsafeMutableRawBufferPointer(rebasing: message[0..<size])
        for i in 0..<rounds {
            let start = Clock.monotonicNanoseconds()
            try FileDescriptor(write).writeAll(outgoing)
            guard try FileDescriptor(read).readExactly(into: incoming) == incoming.count else {
                throw OSError("read", .brokenPipe, subject: "the worker's reply (it closed)")
            }
            let elapsed = Clock.monotonicNanoseconds() - start
            if i >= settings.warmup { samples[i - settings.warmup] = elapsed }
            if i & 255 == 0 { progress.done.store(i, ordering: .relaxed) }
        }
        let blocks = settings.blocks
        try FileDescriptor(write).writeAll(IPCBenchProtocol.header(IPCBenchProtocol.stream, size: settings.block, count: blocks))
        let block = UnsafeRawBufferPointer(rebasing: message[0..<settings.block])
        let start = Clock.monotonicNanoseconds()
        for i in 0..<blocks {
            try FileDescriptor(write).writeAll(block)
            if i & 15 == 0 { progress.done.store(rounds + i, ordering: .relaxed) }
        }
        guard try FileDescriptor(read).readExactly(into: UnsafeMutableRawBufferPointer(rebasing: message[0..<1])) == 1 else {
            throw OSError("read", .brokenPipe, subject: "the worker's acknowledgement (it closed)")
        }
        let elapsed = max(1, Clock.monotonicNanoseconds() - start)
        return IPCBenchFigures(transport: transport, roundTrips: Statistics(samples),
                               bandwidth: Double(blocks * settings.block) / (Double(elapsed) / 1e9))
    }

    /// A segment shared with a forked child: see `SharedMemoryBench`. The child reads every byte it is sent (and
    /// must find none of a slot the shell had not written) and is reaped on every way out.
    package static func measureSharedMemory(_ settings: IPCBenchSettings, _ context: Context,
                                            progress: @escaping (Double) -> Void) throws -> IPCBenchFigures {
        let figures: SharedMemoryBench.Figures?
        do {
            figures = try SharedMemoryBench.run(size: settings.size, rounds: settings.warmup + settings.count, warmup: settings.warmup,
                                                block: settings.block, blocks: settings.blocks, progress: progress,
                                                shouldStop: { context.cancellation.isCancelled })
        } catch {
            throw CommandError("shm benchmark: \(error)")
        }
        guard let figures else { throw Cancelled() }
        guard figures.checksumMatched else { throw CommandError("shm benchmark: the worker read a slot the shell had not written (it found a 0 byte)") }
        return IPCBenchFigures(transport: .shm, roundTrips: Statistics(figures.samples),
                               bandwidth: Double(settings.blocks * settings.block) / (Double(figures.streamNanoseconds) / 1e9))
    }

    /// Two threads of the shell and two queues: the message is a reference to the same bytes, never copied.
    package static func measureQueue(_ settings: IPCBenchSettings, _ context: Context, progress: @escaping (Double) -> Void) throws -> IPCBenchFigures {
        let toEcho = MessageQueue()
        let fromEcho = MessageQueue()
        let echoDone = Gate(false)
        try OSThread.detach(name: "conclab-qecho") {
            while let message = toEcho.pop() {
                if message.isAcknowledgementRequest { fromEcho.push(.data([1])); continue }
                if message.isStream { continue }
                fromEcho.push(message)
            }
            echoDone.update { $0 = true }
        }
        defer {
            toEcho.close()
            _ = echoDone.wait(timeoutNanoseconds: 2_000_000_000) { $0 ? true : nil }
        }
        let counter = BenchProgress()
        let outcome = Gate<IPCBenchFigures?>(nil)
        let helperDone = Gate(false)
        try OSThread.detach(name: "conclab-ipcbench") {
            defer { helperDone.update { $0 = true } }
            let payload = QueuedMessage.data([UInt8](repeating: UInt8(ascii: "x"), count: settings.size))
            let rounds = settings.warmup + settings.count
            var samples = [Int64](repeating: 0, count: settings.count)
            for i in 0..<rounds {
                let start = Clock.monotonicNanoseconds()
                toEcho.push(payload)
                guard fromEcho.pop() != nil else { return }
                if i >= settings.warmup { samples[i - settings.warmup] = Clock.monotonicNanoseconds() - start }
                if i & 255 == 0 { counter.done.store(i, ordering: .relaxed) }
            }
            let block = QueuedMessage.stream([UInt8](repeating: UInt8(ascii: "x"), count: settings.block))
            let start = Clock.monotonicNanoseconds()
            for i in 0..<settings.blocks {
                toEcho.push(block)
                if i & 15 == 0 { counter.done.store(rounds + i, ordering: .relaxed) }
            }
            toEcho.push(.acknowledge)
            guard fromEcho.pop() != nil else { return }
            let elapsed = max(1, Clock.monotonicNanoseconds() - start)
            let figures = IPCBenchFigures(transport: .queue, roundTrips: Statistics(samples),
                                          bandwidth: Double(settings.blocks * settings.block) / (Double(elapsed) / 1e9))
            outcome.update { $0 = figures }
        }
        let expected = settings.warmup + settings.count + settings.blocks
        while helperDone.wait(timeoutNanoseconds: 20_000_000, until: { $0 ? true : nil }) == nil {
            progress(Double(counter.done.load(ordering: .relaxed)) / Double(expected))
            if context.cancellation.isCancelled {
                toEcho.close()
                fromEcho.close()
            }
        }
        try context.checkCancelled()
        guard let figures = outcome.wait(timeoutNanoseconds: 0, until: { $0 }) else { throw CommandError("queue benchmark: the echo thread stopped") }
        return figures
    }
}

/// The descriptors of one process benchmark: the shell's ends and the worker behind them.
private final class BenchEnds: @unchecked Sendable {
    // Set once in `make`, read-only afterwards; `reaped` is only touched by the command thread.
    let write: Int32
    let read: Int32
    let pid: Int32
    private var reaped: TerminationStatus?

    private init(write: Int32, read: Int32, pid: Int32) {
        self.write = write
        self.read = read
        self.pid = pid
    }

    static func make(_ transport: IPCBenchTransport) throws -> BenchEnds {
        switch transport {
        case .pipe:
            let toWorker = try System.pipe()
            let fromWorker: (read: Int32, write: Int32)
            do { fromWorker = try System.pipe() } catch {
                try? FileDescriptor(toWorker.read).close(); try? FileDescriptor(toWorker.write).close()
                throw error
            }
            defer { try? FileDescriptor(toWorker.read).close(); try? FileDescriptor(fromWorker.write).close() }
            do {
                let started = try IPCWorkers.start(.bench, handing: [toWorker.read, fromWorker.write])
                return BenchEnds(write: toWorker.write, read: fromWorker.read, pid: started.pid)
            } catch {
                try? FileDescriptor(toWorker.write).close(); try? FileDescriptor(fromWorker.read).close()
                throw error
            }
        case .unix:
            let (mine, started) = try Sockets.pairForChild { theirs in try IPCWorkers.start(.bench, handing: [theirs, theirs]) }
            return BenchEnds(write: mine, read: mine, pid: started.pid)
        case .queue, .shm:
            throw CommandError("the \(transport.rawValue) benchmark makes its own worker")
        case .tcp:
            let (listener, port) = try Sockets.listenTCP(host: Sockets.loopback, port: 0)
            defer { try? FileDescriptor(listener).close() }
            let (client, _) = try Sockets.startConnectTCP(host: Sockets.loopback, port: port)
            do {
                guard try Descriptors.wait(client, for: .writable, milliseconds: 5000) else {
                    throw CommandError("could not connect to 127.0.0.1:\(port) within 5 s")
                }
                try Sockets.connectionResult(client, subject: "127.0.0.1:\(port)")
                try Descriptors.setNonBlocking(client, false)
                guard try Descriptors.wait(listener, for: .readable, milliseconds: 5000),
                      let server = try Sockets.accept(listener) else { throw CommandError("the loopback connection did not arrive") }
                defer { try? FileDescriptor(server).close() }
                Sockets.setNoDelay(client)
                Sockets.setNoDelay(server)
                let started = try IPCWorkers.start(.bench, handing: [server, server])
                return BenchEnds(write: client, read: client, pid: started.pid)
            } catch {
                try? FileDescriptor(client).close()
                throw error
            }
        }
    }

    func killWorker() { try? ChildProcess.signal(pid, Signals.kill) }

    func workerState() -> String {
        if let reaped { return reaped.description }
        reaped = try? ChildProcess.reap(pid, block: false)
        return reaped?.description ?? "running"
    }

    /// Closes the shell's ends (the worker reads end of file and leaves), then kills and reaps it.
    func close() {
        try? FileDescriptor(write).close()
        if read != write { try? FileDescriptor(read).close() }
        if reaped == nil { reaped = try? ChildProcess.reap(pid, block: false) }
        if reaped == nil {
            // Give it a moment to leave on its own, then make sure.
            let deadline = Clock.monotonicNanoseconds() + 200_000_000
            while reaped == nil && Clock.monotonicNanoseconds() < deadline {
                System.sleep(nanoseconds: 1_000_000)
                reaped = try? ChildProcess.reap(pid, block: false)
            }
        }
        if reaped == nil {
            killWorker()
            reaped = try? ChildProcess.reap(pid, block: true)
        }
    }
}

/// What travels through the in-process queue: a reference to bytes (Swift arrays share storage), or a request.
package enum QueuedMessage: Sendable {
    case data([UInt8])
    case stream([UInt8])
    case acknowledge

    package var isAcknowledgementRequest: Bool { if case .acknowledge = self { return true } else { return false } }
    package var isStream: Bool { if case .stream = self { return true } else { return false } }
}

/// A blocking FIFO between threads (a mutex and a condition variable, as Python's `queue.Queue`).
package final class MessageQueue: Sendable {
    private struct State: Sendable {
        var items: [QueuedMessage] = []
        var head = 0
        var closed = false
    }

    private let gate = Gate(State())

    package func push(_ message: QueuedMessage) {
        gate.update { s in
            if s.head > 1024 && s.head * 2 > s.items.count {
                s.items.removeFirst(s.head)
                s.head = 0
            }
            s.items.append(message)
        }
    }

    /// The next message, or nil once the queue is closed.
    package func pop() -> QueuedMessage? {
        gate.wait { s -> QueuedMessage?? in
            if s.closed { return .some(nil) }
            guard s.head < s.items.count else { return nil }
            defer { s.head += 1 }
            return .some(s.items[s.head])
        } ?? nil
    }

    package func close() { gate.update { $0.closed = true } }
}

package struct IPCBench: Command {
    package let spec = CommandSpec("bench", summary: "measure round-trip latency and bandwidth: pipe, unix socket, tcp loopback, shared memory, in-process queue",
                           arguments: [ArgumentSpec("TRANSPORT", .choice(IPCBenchTransport.allCases.map(\.rawValue) + ["all"]), optional: true,
                                                    help: "which to measure (default all)")],
                           flags: [FlagSpec("size", value: .integer, valueName: "BYTES", help: "round-trip message size (default 64)"),
                                   FlagSpec("count", value: .integer, valueName: "N", help: "timed round trips (default 10000)"),
                                   FlagSpec("block", value: .integer, valueName: "BYTES", help: "bandwidth: bytes per write (default 65536)"),
                                   FlagSpec("total", value: .integer, valueName: "BYTES", help: "bandwidth: bytes sent in all (default 16777216)")],
                           examples: ["ipc bench", "ipc bench pipe --size 1024 --count 2000", "ipc bench all --count 2000 --total 4194304",
                                      "ipc bench queue --count 1000 --total 1048576", "ipc bench shm"],
                           discussion: """
                               Processes talk through the kernel: every message is copied in and out, and the other side \
                               must be woken. Threads share memory: a queue hands over a reference. Processes can share \
                               memory too (shm): the shell copies each block once into a ring of 4 slots in a segment \
                               shared with a forked worker, which reads it in place and hands the slot back; waiting is a \
                               short spin, then a futex sleep, and no bytes go through the kernel. Round trips are timed \
                               one by one (median and p99); bandwidth is one-way, until the worker has read the last byte.
                               """,
                           fields: [.column("transport", "pipe, unix, tcp, shm or queue"), .column("median_us", "the median round trip"),
                                    .column("p99_us", "the 99th percentile round trip: all but 1 in 100 were faster"),
                                    .column("bandwidth_mib_s", "one-way bandwidth, MiB per second"),
                                    .column("between", "what talks to what, over what"),
                                    FieldSpec("size", "bytes in a round-trip message (--size)", unit: .bytes),
                                    FieldSpec("round_trips", "round trips timed (--count)"),
                                    FieldSpec("block", "bytes per write when measuring bandwidth (--block)", unit: .bytes),
                                    FieldSpec("total_bytes", "bytes sent one way: --total in whole blocks"),
                                    FieldSpec("pipe_median_us", "the median round trip over the pipes (pipe or all)", occasional: true),
                                    FieldSpec("pipe_p99_us", "its 99th percentile (pipe or all)", occasional: true),
                                    FieldSpec("pipe_mib_s", "one-way bandwidth over the pipes, MiB per second (pipe or all)", occasional: true),
                                    FieldSpec("unix_median_us", "the median round trip over the unix socket pair (unix or all)", occasional: true),
                                    FieldSpec("unix_p99_us", "its 99th percentile (unix or all)", occasional: true),
                                    FieldSpec("unix_mib_s", "one-way bandwidth over the unix socket pair, MiB per second (unix or all)", occasional: true),
                                    FieldSpec("tcp_median_us", "the median round trip over tcp loopback (tcp or all)", occasional: true),
                                    FieldSpec("tcp_p99_us", "its 99th percentile (tcp or all)", occasional: true),
                                    FieldSpec("tcp_mib_s", "one-way bandwidth over tcp loopback, MiB per second (tcp or all)", occasional: true),
                                    FieldSpec("shm_median_us", "the median round trip through shared memory (shm or all)", occasional: true),
                                    FieldSpec("shm_p99_us", "its 99th percentile (shm or all)", occasional: true),
                                    FieldSpec("shm_mib_s", "one-way bandwidth through shared memory, MiB per second (shm or all)", occasional: true),
                                    FieldSpec("queue_median_us", "the median round trip over the queue (queue or all)", occasional: true),
                                    FieldSpec("queue_p99_us", "its 99th percentile (queue or all)", occasional: true),
                                    FieldSpec("queue_mib_s", "one-way bandwidth over the queue, MiB per second (queue or all)", occasional: true)])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        var settings = IPCBenchSettings()
        settings.size = try arguments.integer("size", default: 64, range: 1...(1 << 24))
        settings.count = try arguments.integer("count", default: 10_000, range: 1...10_000_000)
        settings.block = try arguments.integer("block", default: 1 << 16, range: 1...(1 << 24))
        settings.total = try arguments.integer("total", default: 16 << 20, range: 1...(1 << 34))
        let which = arguments.string("TRANSPORT") ?? "all"
        let transports = which == "all" ? IPCBenchTransport.allCases : IPCBenchTransport(rawValue: which).map { [$0] } ?? []
        if transports.contains(where: { $0 != .queue }) { try context.session.objects.checkCapacity(for: .process) }
        var figures: [IPCBenchFigures] = []
        for (index, transport) in transports.enumerated() {
            try context.checkCancelled()
            let part = 1.0 / Double(transports.count)
            figures.append(try IPCBenchRunner.measure(transport, settings, context) { fraction in
                context.progress(min(1, (Double(index) + min(1, fraction)) * part), transport.rawValue)
            })
        }
        return .table(IPCBench.table(figures, settings))
    }

    package static func table(_ figures: [IPCBenchFigures], _ settings: IPCBenchSettings) -> Table {
        var summary = Record([("size", .int(settings.size)), ("round_trips", .int(settings.count)),
                              ("block", .int(settings.block)), ("total_bytes", .int(settings.blocks * settings.block))])
        var rows: [[Value]] = []
        for f in figures {
            let median = Double(f.roundTrips.median) / 1000
            let p99 = Double(f.roundTrips.p99) / 1000
            let mib = f.bandwidth / Double(1 << 20)
            rows.append([.string(f.transport.rawValue), .quantity(median, .microseconds), .quantity(p99, .microseconds),
                         .double((mib * 10).rounded() / 10), .string(f.transport.label)])
            summary.append("\(f.transport.rawValue)_median_us", .quantity(median, .microseconds))
            summary.append("\(f.transport.rawValue)_p99_us", .quantity(p99, .microseconds))
            summary.append("\(f.transport.rawValue)_mib_s", .double((mib * 10).rounded() / 10))
        }
        return Table(title: "IPC cost: \(settings.count) round trips of \(settings.size) B; \(settings.blocks) writes of \(settings.block) B one way",
                     columns: ["transport", "median_us", "p99_us", "bandwidth_mib_s", "between"], rows: rows, summary: summary,
                     bars: Bars(column: "median_us", title: "median"))
    }
}
