import LabOS
import LabCore
import PyLab

/// Measuring: `mem`, `time`, `bench`, `sleep`. Figures come from the OS (/proc, getrusage, the monotonic clock).
package struct MemCommand: Command {
    package init() {}
    package let spec = CommandSpec("mem", summary: "memory of the shell, of a process (mem P), or of all (mem all): RSS, PSS, threads",
                           arguments: [ArgumentSpec("P", .handle(nil), optional: true, help: "a process handle (p1, fs1), or 'all'")],
                           examples: ["mem", "mem p1", "mem all"],
                           discussion: "RSS counts every resident page; PSS divides shared pages among the processes sharing them, so PSS adds up.",
                           fields: [FieldSpec("handle", "the process handle measured (mem P)", occasional: true),
                                    FieldSpec("pid", "the process measured (mem, mem P)", occasional: true),
                                    FieldSpec("rss_bytes", "resident memory (mem, mem P)", occasional: true),
                                    FieldSpec("peak_rss_bytes", "the most it was ever resident (mem, mem P)", occasional: true),
                                    FieldSpec("virtual_bytes", "address space mapped (mem, mem P)", occasional: true),
                                    FieldSpec("pss_bytes", "its share of resident memory, shared pages divided (mem, mem P)", occasional: true),
                                    FieldSpec("private_bytes", "memory no other process shares (mem P)", occasional: true),
                                    FieldSpec("threads", "its threads (mem, mem P)", occasional: true),
                                    .column("handle", "the object (mem all)"), .column("pid", "its process id"),
                                    .column("rss_bytes", "resident memory"), .column("pss_bytes", "its share of resident memory"),
                                    .column("private_bytes", "memory no other process shares"), .column("threads", "its threads"),
                                    .column("what", "what it runs"),
                                    FieldSpec("processes", "processes in the table (mem all)", occasional: true),
                                    FieldSpec("total_rss_bytes", "the RSS column added up (mem all)", occasional: true),
                                    FieldSpec("total_pss_bytes", "the PSS column added up: what they really use (mem all)", occasional: true),
                                    FieldSpec("total_private_bytes", "the private column added up (mem all)", occasional: true)])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
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

package struct SleepCommand: Command {
    package init() {}
    package let spec = CommandSpec("sleep", summary: "wait MS milliseconds (Ctrl-C ends it)",
                           arguments: [ArgumentSpec("MS", .integer, help: "milliseconds")],
                           examples: ["sleep 500"],
                           fields: [FieldSpec("slept_ms", "how long it slept, by the monotonic clock")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let ms = try arguments.integer("MS", default: 0, range: 0...86_400_000)
        let start = Clock.monotonicNanoseconds()
        let recorder = EventRecorder.of(context.session)
        recorder.record("shell", .sleeping, "sleep \(ms)")
        defer { recorder.record("shell", .end) }
        try context.sleep(milliseconds: ms)
        return .record(Record([("slept_ms", .ms(Clock.monotonicNanoseconds() - start))]))
    }
}

package struct TimeCommand: Command {
    package init() {}
    package let spec = CommandSpec("time", summary: "run a command and report wall, user and system time and context switches",
                           arguments: [ArgumentSpec("COMMAND", .command, variadic: true, help: "any conclab command")],
                           examples: ["time sleep 100", "time proc spawn spin 200"],
                           discussion: "CPU times and switches cover the whole shell process and its reaped children while the command ran.",
                           fields: [FieldSpec("wall_ms", "time on the clock from start to end"),
                                    FieldSpec("user_ms", "CPU time in user mode"),
                                    FieldSpec("sys_ms", "CPU time in the kernel"),
                                    FieldSpec("voluntary_switches", "times a thread gave up the CPU to wait"),
                                    FieldSpec("involuntary_switches", "times the scheduler took the CPU away")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
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

package struct BenchCommand: Command {
    package init() {}
    package let spec = CommandSpec("bench", summary: "run a command N times after warm-up runs; report min, median and max",
                           arguments: [ArgumentSpec("COMMAND", .command, variadic: true, help: "any conclab command")],
                           flags: [FlagSpec("runs", short: "n", value: .integer, valueName: "N", help: "measured runs (default 10)"),
                                   FlagSpec("warmup", short: "w", value: .integer, valueName: "W", help: "unmeasured runs first (default 1)")],
                           examples: ["bench echo x -n 1000", "bench sleep 5 -n 20 --warmup 2", "bench spawn -n 20", "bench ipc all --size 64 --count 1000"],
                           discussion: "'bench spawn' compares the start methods of worker processes (as 'proc bench'); 'bench ipc' measures round trips over pipes, sockets and shared memory (as 'ipc bench'): their fields are those commands' fields.",
                           fields: [FieldSpec("runs", "measured runs that ended"),
                                    FieldSpec("warmup", "unmeasured runs before them"),
                                    FieldSpec("min_ms", "the fastest run"),
                                    FieldSpec("median_ms", "the middle run"),
                                    FieldSpec("mean_ms", "the average run"),
                                    FieldSpec("max_ms", "the slowest run"),
                                    FieldSpec("stopped", "after how many runs Ctrl-C stopped it (only then)", occasional: true)])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        guard let line = arguments.commandLine else { throw UsageError("missing COMMAND", usage: arguments.usage) }
        // `bench ipc …` is the IPC topic's round-trip benchmark.
        if line == "ipc" || line.hasPrefix("ipc ") { return try context.runNested("ipc bench" + line.dropFirst(3)) }
        // `bench spawn` is the processes topic's start-method benchmark.
        if line == "spawn" {
            return try context.runNested("proc bench -n \(try arguments.integer("runs", default: 20, range: 1...1000))")
        }
        let runs = try arguments.integer("runs", default: 10, range: 1...10_000_000)
        let warmup = try arguments.integer("warmup", default: 1, range: 0...1_000_000)
        for i in 0..<warmup {
            _ = try context.runNested(line)
            context.progress(Double(i + 1) / Double(warmup + runs), "warm-up")
        }
        var samples: [Int64] = []
        samples.reserveCapacity(runs)
        do {
            for i in 0..<runs {
                try context.checkCancelled()
                let start = Clock.monotonicNanoseconds()
                _ = try context.runNested(line)
                samples.append(Clock.monotonicNanoseconds() - start)
                context.progress(Double(warmup + i + 1) / Double(warmup + runs), "run \(i + 1) of \(runs)")
            }
        } catch is Cancelled where !samples.isEmpty {
            // Ctrl-C keeps what was measured: the figures of the runs that ended, and how many of them there were.
        }
        let stats = Statistics(samples)
        let stopped = samples.count < runs ? "after \(samples.count) of \(runs) runs" : nil
        var record = Record(title: "bench: \(line)" + (stopped.map { " (stopped \($0))" } ?? ""), [
            ("runs", .int(samples.count)),
            ("warmup", .int(warmup)),
            ("min_ms", .ms(stats.min)),
            ("median_ms", .ms(stats.median)),
            ("mean_ms", .ms(stats.mean)),
            ("max_ms", .ms(stats.max)),
        ])
        if let stopped { record.append("stopped", .string(stopped)) }
        return .record(record)
    }
}
