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
                               METHOD_min_ms the fastest start (posix_spawn, spawn, forkserver, thread), which a busy \
                               machine disturbs least.
                               """)

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let runs = try arguments.integer("runs", default: 20, range: 1...1000)
        return try SpawnBenchmark.run(runs: runs, context: context)
    }
}

package enum SpawnBenchmark {
    package static func run(runs: Int, context: Context) throws -> LabResult {
        let server = try ForkServer.shared(in: context.session)
        let warmup = 2
        var bare: [Int64] = []
        var spawned: [Int64] = []
        var forked: [Int64] = []
        var threads: [Int64] = []
        let total = warmup + runs
        for round in 0..<total {
            try context.checkCancelled()
            let measured = round >= warmup
            let a = try bareSpawn()
            let b = try workerStart(.spawn, server: nil, context: context)
            let c = try workerStart(.forkserver, server: server, context: context)
            let d = try threadStart()
            if measured {
                bare.append(a)
                spawned.append(b)
                forked.append(c)
                threads.append(d)
            }
            context.progress(Double(round + 1) / Double(total), measured ? "start \(round - warmup + 1) of \(runs)" : "warm-up")
        }
        let rows: [(String, String, [Int64])] = [
            ("posix_spawn /bin/true", "spawn to exit", bare),
            ("spawn", "posix_spawn conclab __worker, to its hello", spawned),
            ("forkserver", "fork from the fork server, to its hello", forked),
            ("thread", "start an OS thread in the shell, to its first signal", threads),
        ]
        let stats = rows.map { Statistics($0.2) }
        let table = Table(title: "worker start-up, \(runs) runs each", columns: ["method", "median_ms", "min_ms", "max_ms", "measures"],
                          rows: zip(rows, stats).map { row, s in
                              [.string(row.0), .ms(s.median), .ms(s.min), .ms(s.max), .string(row.1)]
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
                              ("spawn_vs_posix_spawn", .double(ratio(stats[1].median, stats[0].median))),
                              ("forkserver_speedup", .double(ratio(stats[1].median, stats[2].median))),
                              ("spawn_vs_thread", .double(ratio(stats[1].median, stats[3].median))),
                          ]))
        return .table(table)
    }

    private static func ratio(_ a: Int64, _ b: Int64) -> Double {
        b > 0 ? (Double(a) / Double(b) * 100).rounded() / 100 : 0
    }

    private static func bareSpawn() throws -> Int64 {
        let start = Clock.monotonicNanoseconds()
        let pid = try ChildProcess.spawn(ChildProcess.Configuration(executable: "/bin/true"))
        _ = try ChildProcess.reap(pid, block: true)
        return Clock.monotonicNanoseconds() - start
    }

    /// A thread has nothing to load: the time from asking for it to hearing from it.
    private static func threadStart() throws -> Int64 {
        let started = Gate(false)
        let start = Clock.monotonicNanoseconds()
        try OSThread.detach(name: "conclab-bench") { started.update { $0 = true } }
        _ = started.wait { $0 ? true : nil }
        return Clock.monotonicNanoseconds() - start
    }

    private static func workerStart(_ method: StartMethod, server: ForkServer?, context: Context) throws -> Int64 {
        let worker = try WorkerProcess.launch(words: Workload.sleep(milliseconds: 0).words, method: method, server: server,
                                              shouldStop: { context.cancellation.isCancelled })
        try? worker.close()
        return worker.startupNanoseconds
    }
}
