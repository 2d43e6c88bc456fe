import LabOS
import LabCore
import PyLab

/// `watch python3 FILE.py [ARG…]`: runs the real python3 on a program and samples its OS threads from /proc into the
/// timeline, so conclab's model of the GIL can be set beside the interpreter it models.
package struct WatchCommand: Command {
    package init() {}
    package let spec = CommandSpec("watch", summary: "run a real python3 program and sample its OS threads from /proc into the timeline",
                           arguments: [ArgumentSpec("PROGRAM", .choice(["python3"]), help: "python3: the only program watch runs"),
                                       ArgumentSpec("FILE", .path, optional: true, help: "the Python file to run (or -c CODE)"),
                                       ArgumentSpec("ARG", optional: true, variadic: true, help: "arguments for the program (sys.argv[1:])")],
                           flags: [FlagSpec("code", short: "c", value: .text, valueName: "CODE",
                                            help: "run CODE instead of a file, as python3 -c does ('\\n' starts a new line); the rest of the line"),
                                   FlagSpec("hz", value: .integer, valueName: "N", help: "samples per second (default 1000, 100 to 5000)"),
                                   FlagSpec("timeout", value: .integer, valueName: "S", help: "kill the program after S seconds (default 30, 1 to 600)")],
                           examples: ["watch python3 two_threads.py", "watch python3 hashing.py 4 --hz 2000",
                                      "watch python3 -c 'import time\\ntime.sleep(0.2)'"],
                           discussion: """
                               python3 runs FILE with its output captured (shown after it ends) and nothing on its standard input. While it runs, a thread of \
                               conclab reads every thread of it from /proc N times a second: the state letter \
                               (/proc/PID/task/TID/stat), its time on a CPU and on a run queue (schedstat), and for a thread \
                               asleep, the kernel function it waits in (/proc/PID/task/TID/wchan). State R means running or ready to run, \
                               and schedstat's times move only at a switch and at the scheduler's tick (every few ms): once the \
                               program has ended, the R samples before each move are drawn running if it added more time on a \
                               CPU than on a run queue, and waiting for a CPU (░) if not. A thread asleep in \
                               the futex code (futex_do_wait …) waits for a lock: in CPython that is most often the GIL, which \
                               the kernel cannot tell from any other lock, so the timeline draws it as 'waiting for a lock' (x). \
                               Any other wait (hrtimer_nanosleep for a sleep, do_sys_poll …) is drawn as sleeping. The samples replace what the recorder held, as 'trace COMMAND' \
                               does: 'timeline' and 'timeline export' draw them. A thread switch shorter than the sampling \
                               interval can be missed. In a replayed lab, and without python3 on PATH, nothing is run and \
                               cpython is "skipped". Ctrl-C kills the program.
                               """,
                           fields: [.column("thread", "the thread's row in the timeline: main, or thread TID"),
                                    .column("tid", "its OS thread id"),
                                    .column("cpu_ms", "its time on a CPU while watched (schedstat)"),
                                    .column("running_pct", "samples that found it running, in per cent of its samples"),
                                    .column("lock_pct", "samples that found it waiting in the futex code (a lock, the GIL included)"),
                                    .column("cpu_wait_pct", "samples that found it ready to run but kept off a CPU"),
                                    .column("cpu_wait_ms", "its time ready to run but kept off a CPU, on a run queue (schedstat)"),
                                    .column("samples", "how many times it was sampled"),
                                    FieldSpec("cpython", "ran, or skipped (a replayed lab, or no python3)"),
                                    FieldSpec("pid", "the python3 process id", occasional: true),
                                    FieldSpec("status", "how it ended ('exited 0'; 'killed after S s (--timeout)' when it ran too long)", occasional: true),
                                    FieldSpec("wall_ms", "from start to end", occasional: true),
                                    FieldSpec("threads", "threads seen besides the main one", occasional: true),
                                    FieldSpec("parallelism", "the CPU time of the threads besides main over the time from the first one's start to the last one's end: how many CPUs they kept busy at once (null without threads)", occasional: true),
                                    FieldSpec("overlap_pct", "of the samples that found a thread running, those that found two or more running at once", occasional: true),
                                    FieldSpec("samples_per_s", "samples per second each thread got", occasional: true),
                                    FieldSpec("sampler_cpu_pct", "CPU the sampling thread used, in per cent of one core", occasional: true),
                                    FieldSpec("rss_bytes", "the largest resident memory seen (smaps_rollup Rss, read with the children while stat's resident size grows, and every 1,000 samples)", occasional: true),
                                    FieldSpec("pss_bytes", "the largest proportional set size seen (Pss: shared pages split between their users)", occasional: true),
                                    FieldSpec("children", "the most child processes it had at once (multiprocessing's workers), read every 200 samples (five times a second at 1 kHz)", occasional: true),
                                    FieldSpec("children_pss_bytes", "the largest PSS of its children together; null without children", occasional: true),
                                    FieldSpec("output", "what the program printed (the first 4 KiB)", occasional: true),
                                    FieldSpec("stderr", "what it wrote to standard error (the first 4 KiB)", occasional: true),
                                    FieldSpec("note", "why nothing was run (skipped)", occasional: true)])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let code = arguments.string("code").map { SnippetText.expandingNewlines(SnippetText.unquote($0)) }
        let file = arguments.string("FILE")
        if code != nil && file != nil { throw UsageError("give a FILE or -c CODE, not both", usage: arguments.usage) }
        guard code != nil || file != nil else { throw UsageError("missing FILE (or -c CODE)", usage: arguments.usage) }
        let extra = arguments.strings("ARG")
        let hertz = try arguments.integer("hz", default: 1000, range: 100...5000)
        let timeout = try arguments.integer("timeout", default: 30, range: 1...600)
        func skipped(_ why: String) -> LabResult {
            .record(Record(title: "watch skipped: \(why)", [("cpython", .string("skipped")), ("note", .string(why))]))
        }
        let python: String
        switch RealPython.locate(context.session) {
        case .success(let path): python = path
        case .failure(let unavailable): return skipped(unavailable.reason)
        }
        if let file, !Files.isRegularFile(file) { throw CommandError("no such file: \(file)") }
        let program = code.map { ["-c", $0] } ?? [file ?? ""]
        let shown = file ?? "-c …"

        let interval = 1_000_000_000 / Int64(hertz)
        var sampler: ThreadSampler.Running?
        var samplerError: OSError?
        let run: CapturedRun
        do {
            run = try Capture.run(python, arguments: program + extra, timeoutNanoseconds: Int64(timeout) * 1_000_000_000,
                                  shouldStop: { context.cancellation.isCancelled },
                                  started: { pid in
                                      do throws(OSError) { sampler = try ThreadSampler.start(pid: pid, intervalNanoseconds: interval) } catch {
                                          samplerError = error
                                      }
                                  })
        } catch {
            _ = sampler?.finish()
            throw CommandError("could not run python3: \(error)")
        }
        guard let report = sampler?.finish() else { throw CommandError("could not sample python3: \(samplerError.map { "\($0)" } ?? "no sampler")") }
        try context.checkCancelled()

        let names = Self.rowNames(report)
        let recorder = EventRecorder.of(context.session)
        recorder.clear()
        for event in Self.events(report, names: names, status: run.status) { recorder.append(event) }

        let wall = max(1, report.endedAt - report.startedAt)
        let rows: [[Value]] = report.threads.map { thread in
            let samples = Double(max(1, thread.samples))
            return [.string(names[thread.tid] ?? "thread \(thread.tid)"), .int(Int(thread.tid)), .ms(thread.cpuNanoseconds),
                    .quantity(Double(thread.runningSamples) * 100 / samples, .percent),
                    .quantity(Double(thread.lockSamples) * 100 / samples, .percent),
                    .quantity(Double(thread.cpuWaitSamples) * 100 / samples, .percent), .ms(thread.cpuWaitNanoseconds), .int(thread.samples)]
        }
        // A program that ran past --timeout was killed; what was sampled until then is kept.
        let status = run.timedOut ? "killed after \(timeout) s (--timeout)" : run.status?.description ?? "not reaped"
        let perThread = report.threads.map { Double($0.samples) * 1e9 / Double(max(1, $0.lastSeen - $0.firstSeen + report.intervalNanoseconds)) }
        let overlap = report.runningTicks == 0 ? 0 : Double(report.overlapTicks) * 100 / Double(report.runningTicks)
        var summary = Record([
            ("cpython", .string("ran")),
            ("pid", .int(Int(report.pid))),
            ("status", .string(status)),
            ("wall_ms", .ms(wall)),
            ("threads", .int(max(0, report.threads.count - 1))),
            ("parallelism", Self.parallelism(report).map { .double(($0 * 100).rounded() / 100) } ?? .null),
            ("overlap_pct", .quantity(overlap, .percent)),
            ("samples_per_s", .quantity(perThread.min() ?? 0, .perSecond)),
            ("sampler_cpu_pct", .quantity(Double(report.samplerCPUNanoseconds) * 100 / Double(wall), .percent)),
            ("rss_bytes", report.peakRSSBytes.map(Value.bytes) ?? .null),
            ("pss_bytes", report.peakPSSBytes.map(Value.bytes) ?? .null),
            ("children", .int(report.peakChildren)),
            ("children_pss_bytes", report.peakChildrenPSSBytes.map(Value.bytes) ?? .null),
            ("output", .string(String(run.standardOutput.prefix(4096)))),
        ])
        if !run.standardError.isEmpty { summary.append("stderr", .string(String(run.standardError.prefix(4096)))) }
        let title = "python3 \(shown): \(report.threads.count) thread\(report.threads.count == 1 ? "" : "s"), \(status), "
            + "sampled \(report.ticks) times in \(Format.duration(nanoseconds: Double(wall))); 'timeline' draws it"
        return .table(Table(title: title, columns: ["thread", "tid", "cpu_ms", "running_pct", "lock_pct", "cpu_wait_pct", "cpu_wait_ms", "samples"], rows: rows,
                            summary: summary))
    }

    /// The threads other than main: their CPU time over the time from the first one seen to the last one's end.
    static func parallelism(_ report: ThreadSampler.Report) -> Double? {
        let others = report.threads.filter { $0.tid != report.pid }
        guard let start = others.map(\.firstSeen).min(), let end = others.map(\.lastSeen).max(), end > start else { return nil }
        return Double(others.reduce(Int64(0)) { $0 + $1.cpuNanoseconds }) / Double(end - start)
    }

    /// `main` for the thread whose id is the pid, `thread TID` for the others.
    static func rowNames(_ report: ThreadSampler.Report) -> [Int32: String] {
        Dictionary(uniqueKeysWithValues: report.threads.map { ($0.tid, $0.tid == report.pid ? "main" : "thread \($0.tid)") })
    }

    /// The samples as timeline events: one state event per change, an end when a thread was gone, and the process's
    /// exit on the main row.
    static func events(_ report: ThreadSampler.Report, names: [Int32: String], status: TerminationStatus?) -> [TimelineEvent] {
        var events: [TimelineEvent] = report.changes.map { change in
            let actor = names[change.tid] ?? "thread \(change.tid)"
            switch change.activity {
            case .running: return TimelineEvent(nanoseconds: change.nanoseconds, threadID: change.tid, actor: actor, kind: .running)
            case .waitingLock: return TimelineEvent(nanoseconds: change.nanoseconds, threadID: change.tid, actor: actor, kind: .waitingLock, detail: "futex")
            case .waitingCPU: return TimelineEvent(nanoseconds: change.nanoseconds, threadID: change.tid, actor: actor, kind: .waitingCPU)
            case .sleeping(let call): return TimelineEvent(nanoseconds: change.nanoseconds, threadID: change.tid, actor: actor, kind: .sleeping, detail: call ?? "")
            case .ended: return TimelineEvent(nanoseconds: change.nanoseconds, threadID: change.tid, actor: actor, kind: .end)
            }
        }
        if report.changes.last(where: { $0.tid == report.pid })?.activity != .ended {
            events.append(TimelineEvent(nanoseconds: report.endedAt, threadID: report.pid, actor: "main", kind: .exit,
                                        detail: status?.description ?? ""))
        }
        return events
    }
}
