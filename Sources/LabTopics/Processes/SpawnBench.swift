import LabOS
import LabCore
import PyLab

/// `proc bench` (also `bench spawn`): what starting a worker costs with each start method, next to a bare
/// posix_spawn of /bin/true, measured in turns so a noisy moment hits all of them alike.
package struct ProcBench: Command {
    package let spec = CommandSpec("bench", summary: "time worker start-up: posix_spawn of /bin/true, spawn, forkserver, and a thread",
                           flags: [FlagSpec("runs", short: "n", value: .integer, valueName: "N", help: "measured starts of each (default 20)")],
                           examples: ["proc bench", "proc bench -n 50"],
                           discussion: """
                               spawn and forkserver are timed from the request to the worker's hello (its first message); \
                               /bin/true from posix_spawn to its exit. A spawned conclab pays for the whole Swift runtime start; \
                               a forked one starts as a copy of the already running fork server. A thread, for scale, is started inside the shell: \
                               nothing to load, no memory of its own to set up. Summary fields: METHOD_ms is the median, \
                               METHOD_min_ms the fastest start (posix_spawn, spawn, forkserver, thread), and METHOD_cpu_ms \
                               the CPU a start used (median; the child's or thread's own, the shell's while it asked and, for forkserver, the fork server's while it forked), \
                               which waiting for a core on a busy machine does not change.
                               """,
                           fields: [.column("method", "what was started: posix_spawn /bin/true, spawn, forkserver, thread"),
                                    .column("median_ms", "the median start"), .column("min_ms", "the fastest start"),
                                    .column("max_ms", "the slowest start"),
                                    .column("cpu_ms", "the CPU a start used (median)"),
                                    .column("measures", "from when to when a start is timed"),
                                    FieldSpec("runs", "measured starts of each"),
                                    FieldSpec("posix_spawn_ms", "the median posix_spawn of /bin/true, to its exit"),
                                    FieldSpec("spawn_ms", "the median spawned worker, to its hello"),
                                    FieldSpec("forkserver_ms", "the median worker forked by the fork server, to its hello"),
                                    FieldSpec("thread_ms", "the median thread, to its first signal"),
                                    FieldSpec("posix_spawn_min_ms", "the fastest posix_spawn of /bin/true"),
                                    FieldSpec("spawn_min_ms", "the fastest spawned worker"),
                                    FieldSpec("forkserver_min_ms", "the fastest forked worker"),
                                    FieldSpec("thread_min_ms", "the fastest thread"),
                                    FieldSpec("posix_spawn_cpu_ms", "the CPU a posix_spawn of /bin/true used: the child's and the shell's (median)"),
                                    FieldSpec("spawn_cpu_ms", "the CPU a spawned worker start used: the worker's up to its hello and the shell's (median)"),
                                    FieldSpec("forkserver_cpu_ms", "the CPU a forked worker start used: the worker's up to its hello, the fork server's and the shell's (median)"),
                                    FieldSpec("thread_cpu_ms", "the CPU a thread start used: the thread's and the shell's (median)"),
                                    FieldSpec("spawn_vs_posix_spawn", "spawn_ms / posix_spawn_ms"),
                                    FieldSpec("forkserver_speedup", "spawn_ms / forkserver_ms: how many times faster a forked worker starts"),
                                    FieldSpec("spawn_vs_thread", "spawn_ms / thread_ms")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let runs = try arguments.integer("runs", default: 20, range: 1...1000)
        return try SpawnBenchmark.run(runs: runs, context: context)
    }
}

package enum SpawnBenchmark {
    package static func run(runs: Int, context: Context) throws -> LabResult {
        let server = try ForkServer.shared(in: context.session)
        let warmup = 2
        // Per method: wall times, and CPU times (what the start itself cost, without any wait for a core).
        var wall: [[Int64]] = Array(repeating: [], count: 4)
        var cpu: [[Int64]] = Array(repeating: [], count: 4)
        let total = warmup + runs
        for round in 0..<total {
            try context.checkCancelled()
            let measured = round >= warmup
            let starts = [try bareSpawn(), try workerStart(.spawn, server: nil, context: context),
                          try workerStart(.forkserver, server: server, context: context), try threadStart()]
            if measured {
                for (i, start) in starts.enumerated() {
                    wall[i].append(start.wall)
                    cpu[i].append(start.cpu)
                }
            }
            context.progress(Double(round + 1) / Double(total), measured ? "start \(round - warmup + 1) of \(runs)" : "warm-up")
        }
        let rows: [(String, String)] = [
            ("posix_spawn /bin/true", "spawn to exit"),
            ("spawn", "posix_spawn conclab __worker, to its hello"),
            ("forkserver", "fork from the fork server, to its hello"),
            ("thread", "start an OS thread in the shell, to its first signal"),
        ]
        let stats = wall.map { Statistics($0) }
        let cpuStats = cpu.map { Statistics($0) }
        let table = Table(title: "worker start-up, \(runs) runs each", columns: ["method", "median_ms", "min_ms", "max_ms", "cpu_ms", "measures"],
                          rows: rows.indices.map { i in
                              [.string(rows[i].0), .ms(stats[i].median), .ms(stats[i].min), .ms(stats[i].max), .ms(cpuStats[i].median),
                               .string(rows[i].1)]
                          },
                          summary: Record([
                              ("runs", .int(runs)),
                              ("posix_spawn_ms", .ms(stats[0].median)),
                              ("spawn_ms", .ms(stats[1].median)),
                              ("forkserver_ms", .ms(stats[2].median)),
                              ("thread_ms", .ms(stats[3].median)),
                              // The fastest start of each: what starting costs when nothing else was in the way (on a
                              // busy machine a median may be mostly the wait for a core).
                              ("posix_spawn_min_ms", .ms(stats[0].min)),
                              ("spawn_min_ms", .ms(stats[1].min)),
                              ("forkserver_min_ms", .ms(stats[2].min)),
                              ("thread_min_ms", .ms(stats[3].min)),
                              // The CPU a start used (median): the start's own work, which waiting for a core does not
                              // add to — the figure a busy machine does not disturb.
                              ("posix_spawn_cpu_ms", .ms(cpuStats[0].median)),
                              ("spawn_cpu_ms", .ms(cpuStats[1].median)),
                              ("forkserver_cpu_ms", .ms(cpuStats[2].median)),
                              ("thread_cpu_ms", .ms(cpuStats[3].median)),
                              ("spawn_vs_posix_spawn", .double(ratio(stats[1].median, stats[0].median))),
                              ("forkserver_speedup", .double(ratio(stats[1].median, stats[2].median))),
                              ("spawn_vs_thread", .double(ratio(stats[1].median, stats[3].median))),
                          ]))
        return .table(table)
    }

    private static func ratio(_ a: Int64, _ b: Int64) -> Double {
        b > 0 ? (Double(a) / Double(b) * 100).rounded() / 100 : 0
    }

    /// Wall time from asking to the started thing's signal, and the CPU the start used.
    typealias Start = (wall: Int64, cpu: Int64)

    /// CPU: this thread's while it spawned and reaped, plus the child's whole life (`wait4`).
    private static func bareSpawn() throws -> Start {
        let start = Clock.monotonicNanoseconds()
        let cpuStart = Clock.threadCPUNanoseconds()
        let pid = try ChildProcess.spawn(ChildProcess.Configuration(executable: "/bin/true"))
        let usage = try ChildProcess.reapWithUsage(pid, block: true)?.1
        return (Clock.monotonicNanoseconds() - start, Clock.threadCPUNanoseconds() - cpuStart + (usage?.cpuNanoseconds ?? 0))
    }

    /// A thread has nothing to load: the time from asking for it to hearing from it. CPU: this thread's while it
    /// asked, plus the new thread's own up to its signal.
    private static func threadStart() throws -> Start {
        let started = Gate<Int64?>(nil)
        let start = Clock.monotonicNanoseconds()
        let cpuStart = Clock.threadCPUNanoseconds()
        try OSThread.detach(name: "conclab-bench") { started.update { $0 = Clock.threadCPUNanoseconds() } }
        let asking = Clock.threadCPUNanoseconds() - cpuStart
        let own = started.wait { $0 } ?? 0
        return (Clock.monotonicNanoseconds() - start, asking + own)
    }

    /// CPU: the worker's own (all its threads, read from /proc when its hello arrived), this thread's while it asked
    /// and waited, and for a forked worker the fork server's while it forked.
    private static func workerStart(_ method: StartMethod, server: ForkServer?, context: Context) throws -> Start {
        let forker = method == .forkserver ? server?.pid : nil
        let serverBefore = forker.flatMap { ProcFS.onCPUNanoseconds(pid: $0) } ?? 0
        let cpuStart = Clock.threadCPUNanoseconds()
        let worker = try WorkerProcess.launch(words: Workload.sleep(milliseconds: 0).words, method: method, server: server,
                                              shouldStop: { context.cancellation.isCancelled })
        let asking = Clock.threadCPUNanoseconds() - cpuStart
        let forking = forker.flatMap { ProcFS.onCPUNanoseconds(pid: $0) }.map { $0 - serverBefore } ?? 0
        let own = ProcFS.onCPUNanoseconds(pid: worker.pid) ?? 0
        try? worker.close()
        return (worker.startupNanoseconds, own + asking + forking)
    }
}
