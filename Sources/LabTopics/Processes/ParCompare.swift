import LabOS
import Synchronization
import LabCore
import PyLab

/// `par`: processes versus threads, measured. One CPU-bound job runs N times sequentially, then once in each of
/// N threads, then once in each of N worker processes; the table shows wall time, CPU time, how many cores each
/// way kept busy, the speed-up over the sequential run and the memory each way took.
///
/// The machine is shared and noisy, so the comparison is built to hold on it: a job is sized by time (about
/// 300 ms unless the learner fixes its size), the rows run interleaved and repeated (three rounds, each row's
/// median kept and its spread shown), CPU time comes from the kernel's count for the job's own threads and
/// workers, a worker's start-up is a figure of its own, and the CPU time other programs took on this process's
/// CPUs meanwhile is measured and said plainly.
package struct ParCommand: Command {
    package init() {}
    package let spec = CommandSpec("par", summary: "compare one CPU-bound job run sequentially, in N threads and in N processes",
                           discussion: "The processes versus threads comparison, with figures from this machine.")
    package let verbs: [any Command] = [ParCompare()]
}

package struct ParCompare: Command {
    /// How long a job lasts when nobody fixes its size: long enough that a worker's start-up, or a core lent to
    /// another program for a few milliseconds, is a small part of it.
    package static let defaultJobMilliseconds = 300
    package static let defaultRounds = 3

    package let spec = CommandSpec("compare", summary: "run a job N times: sequentially, in N threads, in N processes; compare time, cores used and memory",
                           arguments: [ArgumentSpec("WORKLOAD", .choice(NativeJob.names), optional: true,
                                                    help: "spin [MS] (burns MS of CPU time) or hash [MB] (SHA-256 over MB MiB)"),
                                       ArgumentSpec("AMOUNT", .integer, optional: true,
                                                    help: "CPU milliseconds for spin, MiB for hash (default: what takes about 300 ms)")],
                           flags: [FlagSpec("workers", short: "w", value: .integer, valueName: "N",
                                            help: "threads and processes to run at once (default: the cores this process may use, at least 2)"),
                                   FlagSpec("start", value: .choice(StartMethod.names), valueName: "spawn|forkserver",
                                            help: "how the workers start: spawn (default) or forkserver"),
                                   FlagSpec("py", value: .text, valueName: "SNIPPET",
                                            help: "compare a Python snippet instead: adds rows for threads with the GIL and without it"),
                                   FlagSpec("times", value: .integer, valueName: "K",
                                            help: "with --py: one job runs the snippet K times (default: as often as takes about 300 ms)"),
                                   FlagSpec("rounds", value: .integer, valueName: "R",
                                            help: "measure every row R times, the rows taking turns (default 3); each row shows its median"),
                                   FlagSpec("job-ms", value: .integer, valueName: "MS",
                                            help: "the time a job is sized to when its size is not given (default 300)")],
                           examples: ["par compare spin --workers 2", "par compare hash -w 4 --start forkserver", "par compare spin 100 --rounds 1",
                                      "par compare --py 'def work():\\n    i = 0\\n    while i < 3_000_000:\\n        i += 1\\nwork()' -w 2"],
                           discussion: """
                               A job is fixed work: spin MS burns MS milliseconds of CPU time (on the thread's own CPU clock), \
                               hash MB hashes MB MiB, --py runs the snippet K times. Without a size, the job is timed first and \
                               sized to about 300 ms. Every row is measured in each of 3 rounds, the rows taking turns, so a \
                               busy moment of the machine falls on all of them; wall_ms is a row's median, min_ms and max_ms its \
                               spread. speedup = sequential wall time / this row's wall time. cpu_use is CPU time over wall time: \
                               how many cores the row kept busy (the kernel's count for the job's own threads and workers), which \
                               other programs disturb far less than a speed-up. others is how many of this process's cores \
                               other programs kept busy during the row (from /proc/stat, minus this shell and its workers), and \
                               idle how many of the cores it could use (as many as its workers) nothing used: a row that cannot use the cores it is given (threads under the GIL) \
                               leaves them idle on a free machine, a row that can leaves none, however busy the machine is. A \
                               note says when other programs took a share worth mentioning. memory_bytes is the highest total PSS of the \
                               shell and its workers while the row ran. processes_startup_ms is how long a worker took from the \
                               start request to running its job (part of the processes row's time). Summary fields for checks: \
                               MODE_ms, MODE_speedup, MODE_cpu_use, MODE_idle_cores, MODE_memory_bytes for each row (sequential, threads, \
                               threads_gil, threads_no_gil, processes), cores (those this process may use: its affinity mask, \
                               capped by a cgroup CPU quota), job_ms, rounds, other_programs_cores and other_programs_cpu_pct. Native code needs no GIL, so threads run in parallel here. With --py \
                               the snippet runs in a fresh interpreter for each row: threads (GIL) share one interpreter and \
                               take turns; threads (no GIL) share one without a GIL (biased reference counts, as in free-threaded \
                               CPython); each process has an interpreter of its own. Threads share the globals, as in Python: \
                               put the work in a function so its variables are each thread's own. Under 'trace on' every part is a row of \
                               'timeline' (sequential, gil-N, nogil-N, proc-N): the GIL threads are seen taking turns.
                               """,
                           fields: [.column("mode", "sequential, threads, threads (GIL), threads (no GIL) or processes"),
                                    .column("workers", "jobs running at once (sequential: 1)"),
                                    .column("wall_ms", "the row's median wall time"), .column("min_ms", "its fastest round"),
                                    .column("max_ms", "its slowest round"),
                                    .column("cpu_ms", "the median CPU time of the job's threads or workers"),
                                    .column("cpu_use", "CPU time over wall time: how many cores it kept busy (median)"),
                                    .column("speedup", "the sequential row's wall time over this row's"),
                                    .column("others", "cores other programs kept busy meanwhile; null if unknown"),
                                    .column("idle", "of the cores it could use, how many stayed idle; null if unknown"),
                                    .column("memory_bytes", "the highest total PSS of the shell and its workers while it ran"),
                                    FieldSpec("workload", "the job: spin MS, hash MB, or the snippet"),
                                    FieldSpec("size", "one job in words: spin 300, hash 37, the snippet 8 times"),
                                    FieldSpec("job_ms", "one job's time: the sequential row's wall time / workers"),
                                    FieldSpec("workers", "jobs run at once (--workers)"),
                                    FieldSpec("cores", "cores this process may use: its affinity mask, capped by a cgroup quota"),
                                    FieldSpec("rounds", "times each row was measured (--rounds)"),
                                    FieldSpec("start_method", "how the workers started: spawn or forkserver"),
                                    FieldSpec("other_programs_cores", "cores other programs kept busy on average; null if unknown"),
                                    FieldSpec("other_programs_cpu_pct", "the same, in per cent of the cores; null if unknown"),
                                    FieldSpec("sequential_ms", "the sequential row's median wall time"),
                                    FieldSpec("sequential_cpu_use", "the cores it kept busy"),
                                    FieldSpec("sequential_idle_cores", "the cores it could use that stayed idle; null if unknown"),
                                    FieldSpec("sequential_memory_bytes", "the highest total PSS while it ran"),
                                    FieldSpec("threads_ms", "the threads row's median wall time (spin, hash)", occasional: true),
                                    FieldSpec("threads_speedup", "its speed-up over the sequential row (spin, hash)", occasional: true),
                                    FieldSpec("threads_cpu_use", "the cores it kept busy (spin, hash)", occasional: true),
                                    FieldSpec("threads_idle_cores", "the cores it could use that stayed idle; null if unknown (spin, hash)", occasional: true),
                                    FieldSpec("threads_memory_bytes", "the highest total PSS while it ran (spin, hash)", occasional: true),
                                    FieldSpec("threads_gil_ms", "the threads (GIL) row's median wall time (--py)", occasional: true),
                                    FieldSpec("threads_gil_speedup", "its speed-up over the sequential row (--py)", occasional: true),
                                    FieldSpec("threads_gil_cpu_use", "the cores it kept busy (--py)", occasional: true),
                                    FieldSpec("threads_gil_idle_cores", "the cores it could use that stayed idle; null if unknown (--py)", occasional: true),
                                    FieldSpec("threads_gil_memory_bytes", "the highest total PSS while it ran (--py)", occasional: true),
                                    FieldSpec("threads_no_gil_ms", "the threads (no GIL) row's median wall time (--py)", occasional: true),
                                    FieldSpec("threads_no_gil_speedup", "its speed-up over the sequential row (--py)", occasional: true),
                                    FieldSpec("threads_no_gil_cpu_use", "the cores it kept busy (--py)", occasional: true),
                                    FieldSpec("threads_no_gil_idle_cores", "the cores it could use that stayed idle; null if unknown (--py)", occasional: true),
                                    FieldSpec("threads_no_gil_memory_bytes", "the highest total PSS while it ran (--py)", occasional: true),
                                    FieldSpec("processes_ms", "the processes row's median wall time"),
                                    FieldSpec("processes_speedup", "its speed-up over the sequential row"),
                                    FieldSpec("processes_cpu_use", "the cores it kept busy"),
                                    FieldSpec("processes_idle_cores", "the cores it could use that stayed idle; null if unknown"),
                                    FieldSpec("processes_memory_bytes", "the highest total PSS while it ran"),
                                    FieldSpec("processes_startup_ms", "the median time a worker took from the start request to running its job")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let cpus = System.usableCPUs
        let workers = try arguments.integer("workers", default: max(2, cpus.cores), range: 1...64)
        let method = StartMethod(rawValue: arguments.string("start") ?? "spawn") ?? .spawn
        let rounds = try arguments.integer("rounds", default: Self.defaultRounds, range: 1...9)
        let target = Time.nanoseconds(milliseconds: try arguments.integer("job-ms", default: Self.defaultJobMilliseconds, range: 10...10_000))
        func comparison(_ job: any ParallelJob, size: String) -> ParallelComparison {
            ParallelComparison(job: job, workers: workers, method: method, rounds: rounds, size: size, cpus: cpus, context: context)
        }
        if let source = arguments.string("py") {
            if arguments.has("WORKLOAD") { throw UsageError("give a WORKLOAD or --py SNIPPET, not both", usage: arguments.usage) }
            let observer = EventRecorder.of(context.session)
            let times: Int
            if arguments.has("times") {
                times = try arguments.integer("times", default: 1, range: 1...100_000)
            } else {
                let once = try SnippetParallelJob(snippet: source)
                times = try Self.unitsPerJob(target: target, limit: 100_000, cancellation: context.cancellation) { try once.timeOnce(cancellation: context.cancellation) }
            }
            let job = try SnippetParallelJob(snippet: source, observer: observer, times: times)
            return try comparison(job, size: times == 1 ? "the snippet once" : "the snippet \(times) times").run()
        }
        if arguments.has("times") { throw UsageError("--times goes with --py SNIPPET; for spin and hash give the AMOUNT", usage: arguments.usage) }
        guard let name = arguments.string("WORKLOAD") else { throw UsageError("missing WORKLOAD (spin MS or hash MB) or --py SNIPPET", usage: arguments.usage) }
        var amount = arguments.string("AMOUNT")
        if amount == nil {
            if name == "spin" {
                amount = String(target / 1_000_000)
            } else {
                let mebibyte = NativeJob.hash(megabytes: 1)
                amount = String(try Self.unitsPerJob(target: target, limit: 65_536, cancellation: context.cancellation) {
                    let start = Clock.monotonicNanoseconds()
                    if mebibyte.perform(stop: context.cancellation) == .stopped { throw Cancelled() }
                    return Clock.monotonicNanoseconds() - start
                })
            }
        }
        let job: NativeJob
        do { job = try NativeJob(words: [name, amount ?? ""]) } catch let error as UsageError {
            throw UsageError(error.message, usage: arguments.usage)
        }
        return try comparison(NativeParallelJob(job: job), size: job.description).run()
    }

    /// How many units (a snippet's run, a MiB hashed) make a job of about `target` nanoseconds. A unit is timed at
    /// least twice (a first run may pay for something done once, as a worker's only run does not), unless the
    /// first took over twice the target, and again while the runs add up to less than a third of it; the fastest
    /// run counts, being the one other programs disturbed least.
    package static func unitsPerJob(target: Int64, limit: Int, cancellation: Cancellation, time unit: () throws -> Int64) throws -> Int {
        var spent: Int64 = 0
        var runs = 0
        var fastest = Int64.max
        repeat {
            if cancellation.isCancelled { throw Cancelled() }
            let t: Int64
            do { t = try unit() } catch is JobStopped { throw Cancelled() }
            spent += max(0, t)
            fastest = min(fastest, max(1, t))
            runs += 1
        } while runs < 1000 && (runs < 2 ? fastest < 2 * target : spent < target / 3)
        return min(limit, max(1, Int((Double(target) / Double(fastest)).rounded())))
    }
}

/// One `par compare` run.
package struct ParallelComparison {
    package let job: any ParallelJob
    package let workers: Int
    package let method: StartMethod
    /// How many times each row is measured; the rows take turns.
    package let rounds: Int
    /// What one job is, in words: `spin 300`, `hash 37`, `the snippet 8 times`.
    package let size: String
    /// The CPUs this process may use, read once for the whole comparison.
    package let cpus: CPUAllowance
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

        package var isProcesses: Bool { if case .processes = self { return true } else { return false } }
        package var isSequential: Bool { if case .sequential = self { return true } else { return false } }
    }

    /// One measurement of one row.
    package struct Sample {
        package var wallNanoseconds: Int64
        /// CPU time of the job's own threads (in the shell) or workers (reaped, from the kernel's rusage).
        package var cpuNanoseconds: Int64
        package var peakMemoryBytes: Int64
        /// Part of `cpuNanoseconds` that workers used (what the shell's own rusage does not count).
        package var childNanoseconds: Int64 = 0
        /// Each worker's start-up: from the start request to its job running.
        package var startupNanoseconds: [Int64] = []
        /// CPU time other programs took on this process's CPUs meanwhile; nil when /proc/stat was not readable.
        package var othersNanoseconds: Int64? = nil
        /// Time the CPUs this row could have used (as many as its workers) spent idle meanwhile, summed over them.
        package var idleNanoseconds: Int64? = nil
    }

    /// A row's samples, summed up.
    package struct Row {
        package var mode: Mode
        package var workers: Int
        package var samples: [Sample]

        package var wall: Statistics { Statistics(samples.map(\.wallNanoseconds)) }
        package var cpu: Statistics { Statistics(samples.map(\.cpuNanoseconds)) }
        /// The median over the rounds of CPU time / wall time: how many cores the row kept busy.
        package var cpuUse: Double {
            let uses = samples.map { $0.wallNanoseconds > 0 ? Double($0.cpuNanoseconds) / Double($0.wallNanoseconds) : 0 }.sorted()
            guard !uses.isEmpty else { return 0 }
            let n = uses.count
            return n % 2 == 1 ? uses[n / 2] : (uses[n / 2 - 1] + uses[n / 2]) / 2
        }
        package var peakMemoryBytes: Int64 { samples.map(\.peakMemoryBytes).max() ?? 0 }
        /// How many cores other programs kept busy on average during this row; nil when unknown.
        package var othersCores: Double? { ParallelComparison.cores(samples, \.othersNanoseconds) }
        /// How many of the cores this row could have used (as many as its workers) stayed idle on average: a row that
        /// cannot use the cores it is given (threads under the GIL) leaves them idle on a free machine; one that can
        /// leaves none, however busy the machine is.
        package var idleCores: Double? { ParallelComparison.cores(samples, \.idleNanoseconds) }
        package var startup: Statistics? {
            let all = samples.flatMap(\.startupNanoseconds)
            return all.isEmpty ? nil : Statistics(all)
        }
    }

    package func run() throws -> LabResult {
        let modes: [Mode] = [.sequential] + job.threadModes.map { Mode.threads($0) } + [.processes]
        var samples = Array(repeating: [Sample](), count: modes.count)
        let steps = rounds * modes.count
        var step = 0
        for round in 0..<rounds {
            // Each round starts one row later: no row is always the first (or the last) to run.
            for offset in 0..<modes.count {
                let index = (offset + round) % modes.count
                let mode = modes[index]
                let done = Double(step)
                let label = "\(mode.name), round \(round + 1) of \(rounds)"
                let report: @Sendable (Double) -> Void = { [context] within in
                    context.progress((done + min(1, within)) / Double(steps), label)
                }
                report(0)
                samples[index].append(try measure(mode, report))
                step += 1
            }
        }
        return render(modes.indices.map { Row(mode: modes[$0], workers: modes[$0].isSequential ? 1 : workers, samples: samples[$0]) })
    }

    /// One row, once, with what other programs took meanwhile: /proc/stat's busy time on this process's CPUs minus
    /// what the shell (all its threads) and the row's workers used.
    private func measure(_ mode: Mode, _ report: @escaping @Sendable (Double) -> Void) throws -> Sample {
        let allowed = Set(cpus.allowed)
        let machineBefore = ProcFS.machineCPU(cpus: allowed)
        let ownBefore = ResourceUsage.current(.process)
        var sample = mode.isProcesses ? try measureProcesses(report) : try measureInProcess(mode, report)
        let own = ResourceUsage.current(.process) - ownBefore
        if let before = machineBefore, let after = ProcFS.machineCPU(cpus: allowed) {
            let busy = Int64(ProcFS.milliseconds(ticks: after.busyTicks - before.busyTicks) * 1e6)
            let idle = Int64(ProcFS.milliseconds(ticks: (after.totalTicks - after.busyTicks) - (before.totalTicks - before.busyTicks)) * 1e6)
            sample.othersNanoseconds = max(0, busy - own.userNanoseconds - own.systemNanoseconds - sample.childNanoseconds)
            // CPUs beyond the row's workers (2 workers on 8 cores), or beyond the cgroup quota, are idle by design:
            // only the rest tell about the row.
            let beyond = max(1, cpus.allowed.count) - min(mode.isSequential ? 1 : workers, cpus.cores)
            sample.idleNanoseconds = max(0, idle - Int64(beyond) * sample.wallNanoseconds)
        }
        return sample
    }

    /// Sequential and thread rows: the job runs on new threads of the shell while this thread samples memory.
    private func measureInProcess(_ mode: Mode, _ report: @escaping @Sendable (Double) -> Void) throws -> Sample {
        let finished = Gate<(done: Bool, error: String?, stopped: Bool, cpu: Int64)>((false, nil, false, 0))
        let count = workers
        let job = self.job
        let cancellation = context.cancellation
        let progress: @Sendable (Int) -> Void = { done in report(Double(done) / Double(count)) }
        let sampler = MemorySampler()
        sampler.sample(workers: [])
        let start = Clock.monotonicNanoseconds()
        try OSThread.detach(name: "conclab-par") {
            var error: String?
            var stopped = false
            var cpu: Int64 = 0
            do {
                switch mode {
                case .sequential: cpu = try job.runSequentially(count: count, progress: progress, cancellation: cancellation)
                case .threads(let name): cpu = try job.runInThreads(count: count, mode: name, progress: progress, cancellation: cancellation)
                case .processes: break
                }
            } catch is JobStopped {
                stopped = true
            } catch let failure {
                error = "\(failure)"
            }
            finished.update { $0 = (true, error, stopped, cpu) }
        }
        var outcome: (done: Bool, error: String?, stopped: Bool, cpu: Int64)?
        while outcome == nil {
            outcome = finished.wait(timeoutNanoseconds: 20_000_000) { $0.done ? $0 : nil }
            sampler.sample(workers: [])
        }
        let wall = Clock.monotonicNanoseconds() - start
        if outcome?.stopped == true || cancellation.isCancelled { throw Cancelled() }
        if let error = outcome?.error { throw CommandError("\(mode.name): \(error)") }
        return Sample(wallNanoseconds: wall, cpuNanoseconds: outcome?.cpu ?? 0, peakMemoryBytes: sampler.peak)
    }

    /// The processes row: N workers started at once, each running the job once; done when all have ended.
    private func measureProcesses(_ report: @escaping @Sendable (Double) -> Void) throws -> Sample {
        let server = method == .forkserver ? try ForkServer.shared(in: context.session) : nil
        let sampler = MemorySampler()
        sampler.sample(workers: [])
        var started: [WorkerProcess] = []
        defer { for worker in started { try? worker.close() } }
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
        var startups: [Int64] = []
        for (index, worker) in started.enumerated() {
            try? worker.close()
            let s = worker.snapshot()
            guard let status = s.ended, status == .exited(0), s.done?.outcome == "completed" else {
                let why = s.failure ?? s.channelProblem ?? s.done?.result ?? "\(s.ended?.description ?? "no status")"
                throw CommandError("worker \(index + 1) of \(workers) (pid \(worker.pid)) did not finish its job: \(s.ended?.description ?? "?"); \(why)")
            }
            childCPU += s.usage?.cpuNanoseconds ?? s.done?.cpuNanoseconds ?? 0
            if let began = s.done?.taskStartedAt, began >= worker.startedAt { startups.append(began - worker.startedAt) }
        }
        return Sample(wallNanoseconds: wall, cpuNanoseconds: childCPU, peakMemoryBytes: sampler.peak,
                      childNanoseconds: childCPU, startupNanoseconds: startups)
    }

    private func render(_ rows: [Row]) -> LabResult {
        let sequential = rows.first?.wall.median ?? 1
        func speedup(_ row: Row) -> Double { row.wall.median > 0 ? Double(sequential) / Double(row.wall.median) : 0 }
        func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }
        let cores = cpus.cores
        let tableRows: [[Value]] = rows.map { row in
            [.string(row.mode.name), .int(row.workers), .ms(row.wall.median), .ms(row.wall.min), .ms(row.wall.max), .ms(row.cpu.median),
             .double(rounded(row.cpuUse)), .double(rounded(speedup(row))), row.othersCores.map { .double(rounded($0)) } ?? .null,
             row.idleCores.map { .double(rounded($0)) } ?? .null, .bytes(row.peakMemoryBytes)]
        }
        let others = otherPrograms(rows)
        var summary = Record([("workload", .string(job.description)), ("size", .string(size)),
                              ("job_ms", .ms((rows.first?.wall.median ?? 0) / Int64(max(1, workers)))),
                              ("workers", .int(workers)), ("cores", .int(cores)), ("rounds", .int(rounds)),
                              ("start_method", .string(method.rawValue))])
        summary.append("other_programs_cores", others.map { .double(rounded($0)) } ?? .null)
        summary.append("other_programs_cpu_pct", others.map { .double(rounded($0 / Double(cores) * 100)) } ?? .null)
        for row in rows {
            let key = row.mode.key
            summary.append("\(key)_ms", .ms(row.wall.median))
            if key != "sequential" { summary.append("\(key)_speedup", .double(rounded(speedup(row)))) }
            summary.append("\(key)_cpu_use", .double(rounded(row.cpuUse)))
            summary.append("\(key)_idle_cores", row.idleCores.map { .double(rounded($0)) } ?? .null)
            summary.append("\(key)_memory_bytes", .bytes(row.peakMemoryBytes))
            if let startup = row.startup { summary.append("\(key)_startup_ms", .ms(startup.median)) }
        }
        let table = Table(title: "\(jobTitle), \(workers) at a time, median of \(rounds) round\(rounds == 1 ? "" : "s")",
                          columns: ["mode", "workers", "wall_ms", "min_ms", "max_ms", "cpu_ms", "cpu_use", "speedup", "others", "idle", "memory_bytes"],
                          rows: tableRows, summary: summary)
        var lines: [String] = []
        if let startup = rows.last?.startup {
            lines.append("A worker took \(Format.duration(nanoseconds: Double(startup.median))) to start (median of \(rounds * workers), "
                         + "from the start request to its job running): part of the processes row's time.")
        }
        if cores < 2 {
            lines.append("note: this process may use 1 core (\(cpus.limit ?? "the machine has one")): no two threads or processes "
                         + "run at the same moment here, whatever their kind.")
        } else if cores < workers {
            lines.append("note: this process may use \(cores) cores\(cpus.limit.map { " (\($0))" } ?? ""): at most \(cores) of the "
                         + "\(workers) workers run at the same moment.")
        }
        if let others, others >= Self.othersWorthSaying {
            let busiest = rows.compactMap { row in row.othersCores.map { (row.mode.name, $0) } }.max { $0.1 < $1.1 }
            lines.append("note: other programs kept \(Format.fixed(others, 1)) of the \(cores) cores busy while this ran "
                         + "(\(Format.fixed(others / Double(cores) * 100, 0))% of their time"
                         + (busiest.map { "; \(Format.fixed($0.1, 1)) during the \($0.0) row" } ?? "")
                         + "): the rows had what was left, so the speed-ups are lower than this machine gives when it is free. "
                         + "cpu_use, how many cores each row kept busy, compares the rows fairly; for speed-ups, run it again when the machine is quieter.")
        }
        var parts: [LabResult] = [.table(chart(rows, speedup: speedup))]
        if !lines.isEmpty { parts.append(.text(lines.joined(separator: "\n"))) }
        return .group(parts + [.table(table)])
    }

    /// From a quarter of a core on, what other programs took is said: less is the noise of any machine.
    package static let othersWorthSaying = 0.25

    /// How many of this process's cores other programs kept busy on average over the whole comparison; nil when
    /// /proc/stat was not readable.
    private func otherPrograms(_ rows: [Row]) -> Double? { Self.cores(rows.flatMap(\.samples), \.othersNanoseconds) }

    /// CPU time per wall time over samples: how many cores something kept on average; nil when a sample lacks it.
    package static func cores(_ samples: [Sample], _ time: KeyPath<Sample, Int64?>) -> Double? {
        var total: Int64 = 0
        var wall: Int64 = 0
        for s in samples {
            guard let t = s[keyPath: time] else { return nil }
            total += t
            wall += s.wallNanoseconds
        }
        return wall > 0 ? Double(total) / Double(wall) : nil
    }

    /// The job and its size, once when the size is the job's own words (`spin 100`).
    private var jobTitle: String { size == job.description ? job.description : "\(job.description), \(size) a job" }

    /// Median wall time as horizontal bars (shorter is faster), drawn by the renderer to the terminal's width, with
    /// each row's spread and speed-up (the table below says where the cores went). JSON sees only the figures.
    private func chart(_ rows: [Row], speedup: (Row) -> Double) -> Table {
        Table(title: "par compare \(jobTitle), \(workers) workers, \(cpus.cores) cores, "
                  + "\(rounds) round\(rounds == 1 ? "" : "s"): median wall time (shorter is faster)",
              columns: ["mode", "wall_ms", "spread", "speedup"],
              rows: rows.map { row in
                  [.string(row.mode.name), .ms(row.wall.median),
                   .string(rounds > 1 ? Format.duration(nanoseconds: Double(row.wall.min)) + "–" + Format.duration(nanoseconds: Double(row.wall.max)) : "-"),
                   .string(Format.fixed(speedup(row), 2) + "x")]
              },
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
