import LabOS
import Synchronization
import LabCore
import PyLab

/// `par`: processes versus threads, measured. One CPU-bound job runs N times sequentially, then once in each of
/// N threads, then once in each of N worker processes; the table shows wall time, CPU time, speed-up over the
/// sequential run and the memory each way took.
package struct ParCommand: Command {
    package init() {}
    package let spec = CommandSpec("par", summary: "compare one CPU-bound job run sequentially, in N threads and in N processes",
                           discussion: "The processes versus threads comparison, with figures from this machine.")
    package let verbs: [any Command] = [ParCompare()]
}

package struct ParCompare: Command {
    package let spec = CommandSpec("compare", summary: "run a job N times: sequentially, in N threads, in N processes; compare time and memory",
                           arguments: [ArgumentSpec("WORKLOAD", .choice(NativeJob.names), optional: true,
                                                    help: "spin MS (burns MS of CPU time) or hash MB (SHA-256 over MB MiB)"),
                                       ArgumentSpec("AMOUNT", .integer, optional: true, help: "CPU milliseconds for spin, MiB for hash")],
                           flags: [FlagSpec("workers", short: "w", value: .integer, valueName: "N",
                                            help: "threads and processes to run at once (default: the number of cores, at least 2)"),
                                   FlagSpec("start", value: .choice(StartMethod.names), valueName: "spawn|forkserver",
                                            help: "how the workers start: spawn (default) or forkserver"),
                                   FlagSpec("py", value: .text, valueName: "SNIPPET",
                                            help: "compare a Python snippet instead: adds rows for threads with the GIL and without it")],
                           examples: ["par compare spin 300 --workers 2", "par compare hash 16 -w 4 --start forkserver",
                                      "par compare --py 'def work():\\n    i = 0\\n    while i < 3_000_000:\\n        i += 1\\nwork()' -w 2"],
                           discussion: """
                               Each job is fixed work: spin MS burns MS milliseconds of CPU time (on the thread's own CPU clock), \
                               hash MB hashes MB MiB. speedup = sequential wall time / this row's wall time. cpu_use is CPU time \
                               over wall time: how many cores were busy. memory_bytes is the highest total PSS of the shell and \
                               its workers while the row ran. other_programs_cpu_pct is the share of the machine's CPU time (from /proc/stat) \
                               that went to other programs meanwhile; above 15% a note says the speed-ups are held back. \
                               Native code needs no GIL, so threads run in parallel here. With --py \
                               the snippet runs in a fresh interpreter for each row: threads (GIL) share one interpreter and \
                               take turns; threads (no GIL) share one without a GIL (biased reference counts, as in free-threaded \
                               CPython); each process has an interpreter of its own. Threads share the globals, as in Python: \
                               put the work in a function so its variables are each thread's own. Under 'trace on' every part is a row of \
                               'timeline' (sequential, gil-N, nogil-N, proc-N): the GIL threads are seen taking turns.
                               """)

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let workers = try arguments.integer("workers", default: max(2, System.numberOfCPUs), range: 1...64)
        let method = StartMethod(rawValue: arguments.string("start") ?? "spawn") ?? .spawn
        if let source = arguments.string("py") {
            if arguments.has("WORKLOAD") { throw UsageError("give a WORKLOAD or --py SNIPPET, not both", usage: arguments.usage) }
            return try ParallelComparison(job: SnippetParallelJob(snippet: source, observer: EventRecorder.of(context.session)), workers: workers, method: method, context: context).run()
        }
        guard let name = arguments.string("WORKLOAD") else { throw UsageError("missing WORKLOAD (spin MS or hash MB) or --py SNIPPET", usage: arguments.usage) }
        guard let amount = arguments.string("AMOUNT") else {
            throw UsageError(name == "spin" ? "missing AMOUNT: spin takes CPU milliseconds, e.g. 'spin 300'" : "missing AMOUNT: hash takes MiB, e.g. 'hash 16'",
                             usage: arguments.usage)
        }
        let job: NativeJob
        do { job = try NativeJob(words: [name, amount]) } catch let error as UsageError {
            throw UsageError(error.message, usage: arguments.usage)
        }
        return try ParallelComparison(job: NativeParallelJob(job: job), workers: workers, method: method, context: context).run()
    }
}

/// One `par compare` run.
package struct ParallelComparison {
    package let job: any ParallelJob
    package let workers: Int
    package let method: StartMethod
    package let context: Context

    package enum Mode: Sendable {
        case sequential
        case threads(ThreadMode)
        case processes

        package var name: String {
            switch self {
            case .sequential: return "sequential"
            case .threads(let mode): return mode.rawValue
            case .processes: return "processes"
            }
        }

        /// `threads (GIL)` → `threads_gil`: a name checks can use.
        package var key: String {
            var key = ""
            for ch in name.lowercased() {
                if ch.isLetter || ch.isNumber { key.append(ch) } else if !key.isEmpty && key.last != "_" { key.append("_") }
            }
            while key.last == "_" { key.removeLast() }
            return key
        }
    }

    package struct Measurement {
        package var mode: Mode
        package var workers: Int
        package var wallNanoseconds: Int64
        package var cpuNanoseconds: Int64
        package var peakMemoryBytes: Int64
        /// CPU time the whole machine spent meanwhile (from /proc/stat), to tell how much went to other programs.
        package var machineBusyMilliseconds: Double? = nil
    }

    package func run() throws -> LabResult {
        let modes: [Mode] = [.sequential] + job.threadModes.map { Mode.threads($0) } + [.processes]
        var results: [Measurement] = []
        for (index, mode) in modes.enumerated() {
            let report: @Sendable (Double) -> Void = { [context] within in
                context.progress((Double(index) + min(1, within)) / Double(modes.count), "\(mode.name) (\(index + 1) of \(modes.count))")
            }
            report(0)
            let machineBefore = ProcFS.machineCPU()
            var measurement: Measurement
            switch mode {
            case .processes: measurement = try measureProcesses(report)
            default: measurement = try measureInProcess(mode, report)
            }
            if let before = machineBefore, let after = ProcFS.machineCPU() {
                measurement.machineBusyMilliseconds = ProcFS.milliseconds(ticks: after.busyTicks - before.busyTicks)
            }
            results.append(measurement)
        }
        return render(results)
    }

    /// Sequential and thread rows: the job runs on new threads of the shell while this thread samples memory.
    private func measureInProcess(_ mode: Mode, _ report: @escaping @Sendable (Double) -> Void) throws -> Measurement {
        let finished = Gate<(done: Bool, error: String?, stopped: Bool)>((false, nil, false))
        let count = workers
        let job = self.job
        let cancellation = context.cancellation
        let progress: @Sendable (Int) -> Void = { done in report(Double(done) / Double(count)) }
        let sampler = MemorySampler()
        sampler.sample(workers: [])
        let before = ResourceUsage.current(.process)
        let start = Clock.monotonicNanoseconds()
        try OSThread.detach(name: "conclab-par") {
            var error: String?
            var stopped = false
            do {
                switch mode {
                case .sequential: try job.runSequentially(count: count, progress: progress, cancellation: cancellation)
                case .threads(let name): try job.runInThreads(count: count, mode: name, progress: progress, cancellation: cancellation)
                case .processes: break
                }
            } catch is JobStopped {
                stopped = true
            } catch let failure {
                error = "\(failure)"
            }
            finished.update { $0 = (true, error, stopped) }
        }
        var outcome: (done: Bool, error: String?, stopped: Bool)?
        while outcome == nil {
            outcome = finished.wait(timeoutNanoseconds: 20_000_000) { $0.done ? $0 : nil }
            sampler.sample(workers: [])
        }
        let wall = Clock.monotonicNanoseconds() - start
        let used = ResourceUsage.current(.process) - before
        if outcome?.stopped == true || cancellation.isCancelled { throw Cancelled() }
        if let error = outcome?.error { throw CommandError("\(mode.name): \(error)") }
        return Measurement(mode: mode, workers: mode.name == "sequential" ? 1 : count, wallNanoseconds: wall,
                           cpuNanoseconds: used.userNanoseconds + used.systemNanoseconds, peakMemoryBytes: sampler.peak)
    }

    /// The processes row: N workers started at once, each running the job once; done when all have ended.
    private func measureProcesses(_ report: @escaping @Sendable (Double) -> Void) throws -> Measurement {
        let server = method == .forkserver ? try ForkServer.shared(in: context.session) : nil
        let sampler = MemorySampler()
        sampler.sample(workers: [])
        var started: [WorkerProcess] = []
        defer { for worker in started { try? worker.close() } }
        let before = ResourceUsage.current(.process)
        let start = Clock.monotonicNanoseconds()
        let recorder = EventRecorder.of(context.session)
        for index in 0..<workers {
            try context.checkCancelled()
            let worker = try WorkerProcess.launch(words: job.workerWords, method: method, server: server, waitForHello: false)
            started.append(worker)
            recorder.record("proc-\(index + 1)", .spawn, "pid \(worker.pid), \(method.rawValue)")
            recorder.record("proc-\(index + 1)", .running)
        }
        var lastSample: Int64 = 0
        var ended = 0
        var seenEnded = Set<Int>()
        while true {
            for (index, worker) in started.enumerated() where !seenEnded.contains(index) && worker.hasEnded {
                seenEnded.insert(index)
                recorder.record("proc-\(index + 1)", .exit)
            }
            let count = seenEnded.count
            if count == started.count { break }
            if count != ended {
                ended = count
                report(Double(ended) / Double(workers))
            }
            let now = Clock.monotonicNanoseconds()
            if now - lastSample >= 20_000_000 {
                sampler.sample(workers: started.filter { !$0.hasEnded }.map(\.pid))
                lastSample = now
            }
            try context.sleep(milliseconds: 1)
        }
        let wall = Clock.monotonicNanoseconds() - start
        var childCPU: Int64 = 0
        for (index, worker) in started.enumerated() {
            try? worker.close()
            let s = worker.snapshot()
            guard let status = s.ended, status == .exited(0), s.done?.outcome == "completed" else {
                let why = s.failure ?? s.channelProblem ?? s.done?.result ?? "\(s.ended?.description ?? "no status")"
                throw CommandError("worker \(index + 1) of \(workers) (pid \(worker.pid)) did not finish its job: \(s.ended?.description ?? "?"); \(why)")
            }
            childCPU += s.usage?.cpuNanoseconds ?? s.done?.cpuNanoseconds ?? 0
        }
        let used = ResourceUsage.current(.process) - before
        return Measurement(mode: .processes, workers: workers, wallNanoseconds: wall,
                           cpuNanoseconds: used.userNanoseconds + used.systemNanoseconds + childCPU, peakMemoryBytes: sampler.peak)
    }

    private func render(_ results: [Measurement]) -> LabResult {
        let sequential = results.first?.wallNanoseconds ?? 1
        func speedup(_ m: Measurement) -> Double { m.wallNanoseconds > 0 ? Double(sequential) / Double(m.wallNanoseconds) : 0 }
        func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }
        let rows: [[Value]] = results.map { m in
            [.string(m.mode.name), .int(m.workers), .ms(m.wallNanoseconds), .ms(m.cpuNanoseconds), .double(rounded(speedup(m))),
             .double(rounded(m.wallNanoseconds > 0 ? Double(m.cpuNanoseconds) / Double(m.wallNanoseconds) : 0)), .bytes(m.peakMemoryBytes)]
        }
        var summary = Record([("workload", .string(job.description)), ("workers", .int(workers)), ("cores", .int(System.numberOfCPUs)),
                              ("start_method", .string(method.rawValue))])
        let others = otherProgramsShare(results)
        summary.append("other_programs_cpu_pct", others.map { .double(rounded($0 * 100)) } ?? .null)
        for m in results {
            summary.append("\(m.mode.key)_ms", .ms(m.wallNanoseconds))
            if m.mode.key != "sequential" { summary.append("\(m.mode.key)_speedup", .double(rounded(speedup(m)))) }
            summary.append("\(m.mode.key)_memory_bytes", .bytes(m.peakMemoryBytes))
        }
        let table = Table(title: "\(job.description), \(workers) at a time", columns: ["mode", "workers", "wall_ms", "cpu_ms", "speedup", "cpu_use", "memory_bytes"],
                          rows: rows, summary: summary)
        var parts: [LabResult] = [.table(chart(results, speedup: speedup))]
        if let others, others >= 0.15 {
            parts.append(.text("note: other programs kept \(Format.fixed(others * 100, 0))% of the \(System.numberOfCPUs) cores busy meanwhile: "
                + "the speed-ups are lower than this machine can give when it is free"))
        }
        return .group(parts + [.table(table)])
    }

    /// The share of the machine's CPU time (all cores, over the whole comparison) that went to other programs:
    /// what /proc/stat counts as busy minus what the rows themselves used. Nil when /proc/stat was not readable.
    private func otherProgramsShare(_ results: [Measurement]) -> Double? {
        var busy = 0.0, ours = 0.0, wall = 0.0
        for m in results {
            guard let machine = m.machineBusyMilliseconds else { return nil }
            busy += machine
            ours += Double(m.cpuNanoseconds) / 1e6
            wall += Double(m.wallNanoseconds) / 1e6
        }
        guard wall > 0 else { return nil }
        return max(0, min(1, (busy - ours) / (wall * Double(max(1, System.numberOfCPUs)))))
    }

    /// Wall time as horizontal bars (shorter is faster): the renderer draws them to the terminal's width, and
    /// JSON sees only the figures.
    private func chart(_ results: [Measurement], speedup: (Measurement) -> Double) -> Table {
        Table(title: "par compare \(job.description), \(workers) workers, \(System.numberOfCPUs) cores: wall time (shorter is faster)",
              columns: ["mode", "wall_ms", "speedup"],
              rows: results.map { [.string($0.mode.name), .ms($0.wallNanoseconds), .string(Format.fixed(speedup($0), 2) + "x")] },
              bars: Bars(column: "wall_ms", after: "mode"))
    }
}

/// The highest total PSS of the shell and the given workers across samples (from /proc/PID/smaps_rollup).
package final class MemorySampler: Sendable {
    private let highest = Locked<Int64>(0)

    package func sample(workers: [Int32]) {
        var total: Int64 = 0
        for pid in [System.processID] + workers {
            total += ProcFS.memoryRollup(pid: pid)?["Pss"] ?? 0
        }
        highest.withLock { $0 = max($0, total) }
    }

    package var peak: Int64 { highest.withLock { $0 } }
}
