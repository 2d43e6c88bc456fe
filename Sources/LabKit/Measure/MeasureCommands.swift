import LabOS

/// Measuring: `mem`, `time`, `bench`, `sleep`. Figures come from the OS (/proc, getrusage, the monotonic clock).
struct MemCommand: Command {
    let spec = CommandSpec("mem", summary: "memory of the shell, of a process (mem P), or of all (mem all): RSS, PSS, threads",
                           arguments: [ArgumentSpec("P", .handle(nil), optional: true, help: "a process handle (p1, fs1), or 'all'")],
                           examples: ["mem", "mem p1", "mem all"],
                           discussion: "RSS counts every resident page; PSS divides shared pages among the processes sharing them, so PSS adds up.")

    func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        if let which = arguments.string("P") {
            if which == "all" { return ProcessMemory.table(session: context.session) }
            return try ProcessMemory.record(handle: which, session: context.session)
        }
        let m = try ProcFS.memory()
        return .record(Record(title: "memory of conclab (pid \(System.processID))", [
            ("pid", .int(Int(System.processID))),
            ("rss_bytes", .bytes(m.rssBytes)),
            ("peak_rss_bytes", .bytes(m.peakRSSBytes)),
            ("virtual_bytes", .bytes(m.virtualBytes)),
            ("pss_bytes", m.pssBytes.map(Value.bytes) ?? .null),
            ("threads", .int(Int(m.threads))),
        ]))
    }
}

struct SleepCommand: Command {
    let spec = CommandSpec("sleep", summary: "wait MS milliseconds (Ctrl-C ends it)",
                           arguments: [ArgumentSpec("MS", .integer, help: "milliseconds")],
                           examples: ["sleep 500"])

    func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let ms = try arguments.integer("MS", default: 0, range: 0...86_400_000)
        let start = Clock.monotonicNanoseconds()
        let recorder = EventRecorder.of(context.session)
        recorder.record("shell", .sleeping, "sleep \(ms)")
        defer { recorder.record("shell", .end) }
        try context.sleep(milliseconds: ms)
        return .record(Record([("slept_ms", .ms(Clock.monotonicNanoseconds() - start))]))
    }
}

struct TimeCommand: Command {
    let spec = CommandSpec("time", summary: "run a command and report wall, user and system time and context switches",
                           arguments: [ArgumentSpec("COMMAND", .command, variadic: true, help: "any conclab command")],
                           examples: ["time sleep 100", "time proc spawn spin 200"],
                           discussion: "CPU times and switches cover the whole shell process and its reaped children while the command ran.")

    func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        guard let line = arguments.commandLine else { throw UsageError("missing COMMAND", usage: arguments.usage) }
        let before = ResourceUsage.processAndChildren()
        let start = Clock.monotonicNanoseconds()
        let inner = try context.runNested(line)
        let wall = Clock.monotonicNanoseconds() - start
        let used = ResourceUsage.processAndChildren() - before
        let record = Record(title: "time: \(line)", [
            ("wall_ms", .ms(wall)),
            ("user_ms", .ms(used.userNanoseconds)),
            ("sys_ms", .ms(used.systemNanoseconds)),
            ("voluntary_switches", .int(Int(used.voluntarySwitches))),
            ("involuntary_switches", .int(Int(used.involuntarySwitches))),
        ])
        return inner == .nothing ? .record(record) : .group([inner, .record(record)])
    }
}

struct BenchCommand: Command {
    let spec = CommandSpec("bench", summary: "run a command N times after warm-up runs; report min, median and max",
                           arguments: [ArgumentSpec("COMMAND", .command, variadic: true, help: "any conclab command")],
                           flags: [FlagSpec("runs", short: "n", value: .integer, valueName: "N", help: "measured runs (default 10)"),
                                   FlagSpec("warmup", short: "w", value: .integer, valueName: "W", help: "unmeasured runs first (default 1)")],
                           examples: ["bench echo x -n 1000", "bench sleep 5 -n 20 --warmup 2", "bench spawn -n 20", "bench ipc all --size 64 --count 1000"],
                           discussion: "'bench spawn' compares the start methods of worker processes (as 'proc bench'); 'bench ipc' measures round trips over pipes and sockets (as 'ipc bench').")

    func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        guard let line = arguments.commandLine else { throw UsageError("missing COMMAND", usage: arguments.usage) }
        // `bench ipc …` is the IPC topic's round-trip benchmark.
        if line == "ipc" || line.hasPrefix("ipc ") { return try context.runNested("ipc bench" + line.dropFirst(3)) }
        if line == "spawn" {
            return try SpawnBenchmark.run(runs: arguments.integer("runs", default: 20, range: 1...1000), context: context)
        }
        let runs = try arguments.integer("runs", default: 10, range: 1...10_000_000)
        let warmup = try arguments.integer("warmup", default: 1, range: 0...1_000_000)
        for i in 0..<warmup {
            _ = try context.runNested(line)
            context.progress(Double(i + 1) / Double(warmup + runs), "warm-up")
        }
        var samples: [Int64] = []
        samples.reserveCapacity(runs)
        for i in 0..<runs {
            try context.checkCancelled()
            let start = Clock.monotonicNanoseconds()
            _ = try context.runNested(line)
            samples.append(Clock.monotonicNanoseconds() - start)
            context.progress(Double(warmup + i + 1) / Double(warmup + runs), "run \(i + 1) of \(runs)")
        }
        let stats = Statistics(samples)
        return .record(Record(title: "bench: \(line)", [
            ("runs", .int(runs)),
            ("warmup", .int(warmup)),
            ("min_ms", .ms(stats.min)),
            ("median_ms", .ms(stats.median)),
            ("mean_ms", .ms(stats.mean)),
            ("max_ms", .ms(stats.max)),
        ]))
    }
}

/// Order statistics of nanosecond samples.
public struct Statistics: Sendable, Equatable {
    public var min: Int64
    public var median: Int64
    public var mean: Int64
    public var max: Int64
    public var p99: Int64

    public init(_ samples: [Int64]) {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { self.init(min: 0, median: 0, mean: 0, max: 0, p99: 0); return }
        let n = sorted.count
        let median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        let p99Index = Swift.min(n - 1, Int((Double(n) * 0.99).rounded(.up)) - 1)
        self.init(min: sorted[0], median: median, mean: sorted.reduce(0, +) / Int64(n), max: sorted[n - 1],
                  p99: sorted[Swift.max(0, p99Index)])
    }

    init(min: Int64, median: Int64, mean: Int64, max: Int64, p99: Int64) {
        self.min = min
        self.median = median
        self.mean = mean
        self.max = max
        self.p99 = p99
    }
}
