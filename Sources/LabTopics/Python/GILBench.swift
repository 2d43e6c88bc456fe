import LabOS
import LabCore
import PyLab

/// `gil bench`: what each way of keeping reference counts costs — the price of running without the GIL.
///
/// One loop that takes and drops references to a shared list runs in a fresh interpreter per mode: `plain` under the
/// GIL (CPython's default build; without the GIL it loses counts), `atomic`, `biased` and `locked` with the GIL off;
/// on one thread, then on two threads sharing the list. The figure is CPU time per loop, the smallest of five rounds
/// run in turns: CPU time is what the work costs whether or not other programs hold the cores, and a round slowed
/// by a busy machine does not become the figure. The ratios compare rows of the same round (the median over rounds),
/// so a stretch of the machine that slows a core's every instruction (another program on its sibling hyperthread)
/// falls on both rows of a ratio.
package struct GILBenchVerb: Command {
    package let spec = CommandSpec("bench", summary: "what each reference-count mode costs: CPU ns per loop on one thread and on two sharing a list",
                           flags: [FlagSpec("loops", short: "n", value: .integer, valueName: "N", help: "loops per thread per measurement (default: enough for about 60 ms of CPU on one thread with plain counts)")],
                           examples: ["gil bench", "gil bench --loops 50000"],
                           discussion: """
                               Each loop runs 'x = shared' (a list every thread uses, made by another thread) and 'y = mine' \
                               (a list the thread made itself): two references taken, two dropped. plain runs \
                               under the GIL (without it, it loses counts); atomic, biased and locked run with the GIL off. \
                               locked takes the list's own mutex for every update, as an interpreter with one lock per object \
                               instead of the GIL would. A figure is the threads' CPU time divided by the loops they ran, the \
                               smallest of five rounds run in turns (each round in the other order from the last); the loops are sized so \
                               that plain counts on one thread take about 60 ms of CPU. Fields: plain_ns, atomic_ns, biased_ns, \
                               locked_ns (one thread), the same with _2threads, and locked_vs_plain: locked over plain on one \
                               thread, the median over the rounds of the two rows' figures in the same round.
                               """,
                           fields: [FieldSpec("mode", "the reference-count mode of the row", column: true),
                                    FieldSpec("threads", "threads sharing the list in the row", column: true),
                                    FieldSpec("wall_ms", "wall time of the row's fastest round", column: true),
                                    FieldSpec("cpu_ms", "CPU time of the row's fastest round, all its threads", column: true),
                                    FieldSpec("cpu_per_loop_ns", "CPU per loop of one thread", column: true)]
                               + RefcountMode.allCases.flatMap { mode in
                                   [FieldSpec("\(mode.rawValue)_ns", "CPU per loop, \(mode.rawValue), one thread"),
                                    FieldSpec("\(mode.rawValue)_2threads_ns", "CPU per loop, \(mode.rawValue), two threads")]
                               }
                               + [FieldSpec("locked_vs_plain", "locked over plain, one thread, the median of the rounds' ratios (1.0 = no cost)"),
                                  FieldSpec("locked_vs_plain_2threads", "locked over plain, two threads, the median of the rounds' ratios"),
                                  FieldSpec("loops", "loops per thread per measurement"),
                                  FieldSpec("rounds", "rounds; each row keeps its fastest")])

    package static let code = "def f(n):\n    mine = [0]\n    for i in range(n):\n        a = shared\n        b = mine\n        c = shared\n        d = mine\n"

    private struct Row {
        var mode: RefcountMode
        var threads: Int
        var key: String { threads == 1 ? "\(mode.rawValue)_ns" : "\(mode.rawValue)_2threads_ns" }
        var label: String { mode == .plain ? "plain (GIL on)" : "\(mode.rawValue) (GIL off)" }
    }

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let loops: Int
        if let asked = try arguments.integer("loops") {
            guard (1_000...100_000_000).contains(asked) else {
                throw UsageError("loops must be between 1000 and 100000000, got \(asked)", usage: arguments.usage)
            }
            loops = asked
        } else {
            loops = try Self.calibrated(context)
        }
        var rows: [Row] = []
        for threads in [1, 2] {
            for mode in RefcountMode.allCases { rows.append(Row(mode: mode, threads: threads)) }
        }
        let rounds = 5
        var best = [Int64](repeating: .max, count: rows.count)
        var wall = [Int64](repeating: 0, count: rows.count)
        var measured = [[Int64]](repeating: [], count: rows.count)
        for round in 0..<rounds {
            // Every other round backwards: no row always runs first (on a cold cache) or right after the same one.
            let order = round % 2 == 0 ? Array(rows.indices) : Array(rows.indices.reversed())
            for (step, index) in order.enumerated() {
                let row = rows[index]
                try context.checkCancelled()
                context.progress(Double(round * rows.count + step) / Double(rounds * rows.count),
                                 "\(row.label), \(row.threads) thread\(row.threads == 1 ? "" : "s") (round \(round + 1) of \(rounds))")
                let (cpu, w) = try Self.measure(row.mode, threads: row.threads, loops: loops, context: context)
                measured[index].append(cpu)
                if cpu < best[index] { best[index] = cpu; wall[index] = w }
            }
        }
        /// The median over rounds of `over`'s CPU divided by `under`'s in the same round.
        func ratio(_ over: RefcountMode, _ under: RefcountMode, threads: Int) -> Double? {
            guard let o = rows.firstIndex(where: { $0.mode == over && $0.threads == threads }),
                  let u = rows.firstIndex(where: { $0.mode == under && $0.threads == threads }) else { return nil }
            let ratios = zip(measured[o], measured[u]).filter { $0.1 > 0 }.map { Double($0.0) / Double($0.1) }.sorted()
            return ratios.isEmpty ? nil : ratios[ratios.count / 2]
        }
        var table: [[Value]] = []
        var summary = Record()
        for (index, row) in rows.enumerated() {
            let ns = Double(best[index]) / Double(row.threads * loops)
            table.append([.string(row.label), .int(row.threads), .ms(wall[index]), .ms(best[index]), .quantity(ns, .nanoseconds)])
            summary.append(row.key, .quantity(ns, .nanoseconds))
        }
        if let value = ratio(.locked, .plain, threads: 1) { summary.append("locked_vs_plain", .double(value)) }
        if let value = ratio(.locked, .plain, threads: 2) { summary.append("locked_vs_plain_2threads", .double(value)) }
        summary.append("loops", .int(loops))
        summary.append("rounds", .int(rounds))
        return .table(Table(title: "reference counts: CPU nanoseconds per loop (a = shared; b = mine; c = shared; d = mine), smallest of \(rounds) rounds",
                            columns: ["mode", "threads", "wall_ms", "cpu_ms", "cpu_per_loop_ns"], rows: table, summary: summary))
    }

    /// Enough loops for plain counts on one thread to take about `targetNanoseconds` of CPU: the debug build's loop
    /// is some twenty times slower than the release build's, and a job of a few milliseconds is at the mercy of noise.
    private static func calibrated(_ context: Context) throws -> Int {
        let probe = 20_000
        _ = try measure(.plain, threads: 1, loops: probe, context: context)  // warm-up
        let (cpu, _) = try measure(.plain, threads: 1, loops: probe, context: context)
        let perLoop = max(1, Double(cpu) / Double(probe))
        return min(20_000_000, max(probe, Int(Double(targetNanoseconds) / perLoop) / 1_000 * 1_000))
    }

    /// CPU time the plain one-thread row is sized to take.
    private static let targetNanoseconds: Int64 = 60_000_000

    /// One measurement in an interpreter of its own: the threads' CPU time and the wall time.
    private static func measure(_ mode: RefcountMode, threads: Int, loops: Int, context: Context) throws -> (cpu: Int64, wall: Int64) {
        var settings = PySettings()
        settings.gilEnabled = mode == .plain
        settings.refcount = mode
        let runtime = PyRuntime(settings: settings)
        let setup = try PySupport.compile(runtime, "shared = [1, 2, 3]\n" + code)
        if let error = runtime.runHere(setup, name: "setup", cancellation: context.cancellation).error { throw CommandError(error) }
        let team = try runtime.runTeam(try PySupport.compile(runtime, "f(\(loops))"), count: threads, cancellation: context.cancellation,
                                       threadName: "bench")
        if team.cancelled { throw Cancelled() }
        if let failed = team.threads.first(where: { $0.error != nil }) {
            throw CommandError("\(mode.rawValue), \(failed.threadName): \(failed.errorSummary ?? failed.error ?? "failed")")
        }
        return (team.threads.reduce(0) { $0 + $1.cpuNanoseconds }, team.wallNanoseconds)
    }
}
