import LabOS
import LabCore
import PyLab

/// `gil bench`: what each way of keeping reference counts costs — the price of running without the GIL.
///
/// One loop that takes and drops references to a shared list runs in one interpreter per mode: `plain` under the
/// GIL (CPython's default build; without the GIL it loses counts), `atomic`, `biased` and `locked` with the GIL off;
/// on one thread, then on two threads sharing the list. The figure is CPU time per loop, the smallest of many short
/// rounds run in turns: CPU time is what the work costs whether or not other programs hold the cores, and the machine
/// only ever adds to it (on a 2-core virtual machine the same 12 ms of work took up to 40% more in some rounds than in
/// others), so the fastest of fifteen rounds is the loop's own cost. The ratios divide the
/// rows' figures. Measured on two 2-core machines (15 rounds of about 12 ms for the ratio; 5 longer rounds before):
/// `locked_vs_plain` 3.9–4.0 on an x86-64 Xeon, where every atomic read-modify-write is a full memory barrier,
/// and 1.05–1.2 on the machine it was first written on.
package struct GILBenchVerb: Command {
    package let spec = CommandSpec("bench", summary: "what each reference-count mode costs: CPU ns per loop on one thread and on two sharing a list",
                           flags: [FlagSpec("loops", short: "n", value: .integer, valueName: "N", help: "loops per thread per round (default: enough for about 12 ms of CPU on one thread with plain counts)")],
                           examples: ["gil bench", "gil bench --loops 50000"],
                           discussion: """
                               Each loop runs 'x = shared' (a list every thread uses, made by another thread) and 'y = mine' \
                               (a list the thread made itself): two references taken, two dropped. plain runs \
                               under the GIL (without it, it loses counts); atomic, biased and locked run with the GIL off. \
                               locked takes the list's own mutex for every update, as an interpreter with one lock per object \
                               instead of the GIL would. Each mode runs in one interpreter of its own. A figure is the threads' \
                               CPU time divided by the loops they ran, the smallest of 15 rounds on one thread (3 on two), the \
                               modes taking turns in each round: other programs only ever add CPU time, so the fastest round \
                               is the loop's own cost. The loops are sized so that plain counts on one thread take about 12 ms \
                               of CPU. Fields: plain_ns, atomic_ns, biased_ns, locked_ns (one thread), the same with _2threads, \
                               and locked_vs_plain: locked_ns / plain_ns. How much an atomic instruction costs depends on the \
                               processor: on x86-64 each one is a full memory barrier.
                               """,
                           fields: [FieldSpec("mode", "the reference-count mode of the row", column: true),
                                    FieldSpec("threads", "threads sharing the list in the row", column: true),
                                    FieldSpec("wall_ms", "wall time of the row's fastest round (fastest by CPU)", column: true),
                                    FieldSpec("cpu_ms", "CPU time of the row's fastest round, all its threads", column: true),
                                    FieldSpec("cpu_per_loop_ns", "CPU per loop of one thread", column: true)]
                               + RefcountMode.allCases.flatMap { mode in
                                   [FieldSpec("\(mode.rawValue)_ns", "CPU per loop, \(mode.rawValue), one thread"),
                                    FieldSpec("\(mode.rawValue)_2threads_ns", "CPU per loop, \(mode.rawValue), two threads")]
                               }
                               + [FieldSpec("locked_vs_plain", "locked_ns / plain_ns: what a lock per object costs one thread (1.0 = nothing)"),
                                  FieldSpec("locked_vs_plain_2threads", "locked_2threads_ns / plain_2threads_ns"),
                                  FieldSpec("loops", "loops per thread per round"),
                                  FieldSpec("rounds", "rounds of each one-thread row; each row keeps its fastest"),
                                  FieldSpec("rounds_2threads", "rounds of each two-thread row")])

    package static let code = "def f(n):\n    mine = [0]\n    for i in range(n):\n        a = shared\n        b = mine\n        c = shared\n        d = mine\n"

    private struct Row {
        var mode: RefcountMode
        var threads: Int
        var key: String { threads == 1 ? "\(mode.rawValue)_ns" : "\(mode.rawValue)_2threads_ns" }
        var label: String { mode == .plain ? "plain (GIL on)" : "\(mode.rawValue) (GIL off)" }
    }

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        // One interpreter per mode, made once: every round of a mode runs in the same one, so a round differs from
        // the next only by what the machine did meanwhile.
        var runtimes: [RefcountMode: PyRuntime] = [:]
        for mode in RefcountMode.allCases { runtimes[mode] = try Self.interpreter(mode, context: context) }
        let loops: Int
        if let asked = try arguments.integer("loops") {
            guard (1_000...100_000_000).contains(asked) else {
                throw UsageError("loops must be between 1000 and 100000000, got \(asked)", usage: arguments.usage)
            }
            loops = asked
        } else {
            loops = try Self.calibrated(runtimes[.plain]!, context)
        }
        // The rows in the order the table shows them; `index` finds a row.
        let rows = [1, 2].flatMap { threads in RefcountMode.allCases.map { Row(mode: $0, threads: threads) } }
        func index(_ mode: RefcountMode, _ threads: Int) -> Int { rows.firstIndex { $0.mode == mode && $0.threads == threads }! }
        var best = [Int64](repeating: .max, count: rows.count)
        var wall = [Int64](repeating: 0, count: rows.count)
        // The modes take turns within a round, plain beside locked, every other round backwards: a slow stretch of
        // the machine falls on one round of some rows, and every row has other rounds.
        let order: [RefcountMode] = [.plain, .locked, .atomic, .biased]
        let total = rows.reduce(0) { $0 + Self.rounds(threads: $1.threads) }
        var done = 0
        for threads in [1, 2] {
            let rounds = Self.rounds(threads: threads)
            for round in 0..<rounds {
                for mode in round % 2 == 0 ? order : order.reversed() {
                    let i = index(mode, threads)
                    try context.checkCancelled()
                    context.progress(Double(done) / Double(total),
                                     "\(rows[i].label), \(threads) thread\(threads == 1 ? "" : "s") (round \(round + 1) of \(rounds))")
                    let (cpu, w) = try Self.measure(runtimes[mode]!, mode, threads: threads, loops: loops, context: context)
                    if cpu < best[i] { best[i] = cpu; wall[i] = w }
                    done += 1
                }
            }
        }
        /// CPU per loop of one thread in row `i`'s fastest round.
        func perLoop(_ i: Int) -> Double { Double(best[i]) / Double(rows[i].threads * loops) }
        let table: [[Value]] = rows.indices.map { i in
            [.string(rows[i].label), .int(rows[i].threads), .ms(wall[i]), .ms(best[i]), .quantity(perLoop(i), .nanoseconds)]
        }
        var summary = Record()
        for mode in RefcountMode.allCases {
            for threads in [1, 2] {
                let i = index(mode, threads)
                summary.append(rows[i].key, .quantity(perLoop(i), .nanoseconds))
            }
        }
        // locked over plain: the two rows' figures, each its fastest round.
        for threads in [1, 2] where best[index(.plain, threads)] > 0 {
            summary.append(threads == 1 ? "locked_vs_plain" : "locked_vs_plain_2threads",
                           .double(Double(best[index(.locked, threads)]) / Double(best[index(.plain, threads)])))
        }
        summary.append("loops", .int(loops))
        summary.append("rounds", .int(Self.rounds(threads: 1)))
        summary.append("rounds_2threads", .int(Self.rounds(threads: 2)))
        return .table(Table(title: "reference counts: CPU nanoseconds per loop (a = shared; b = mine; c = shared; d = mine), smallest of \(Self.rounds(threads: 1)) rounds on one thread, \(Self.rounds(threads: 2)) on two",
                            columns: ["mode", "threads", "wall_ms", "cpu_ms", "cpu_per_loop_ns"], rows: table, summary: summary))
    }

    /// Rounds per row: many short ones on one thread, where the ratio the lab checks is; fewer on two, where a
    /// round of locked counts takes ten times as long (the two threads wait for each other's locks).
    private static func rounds(threads: Int) -> Int { threads == 1 ? 15 : 3 }

    /// Enough loops for plain counts on one thread to take about `targetNanoseconds` of CPU: the debug build's loop
    /// is some twenty times slower than the release build's.
    private static func calibrated(_ runtime: PyRuntime, _ context: Context) throws -> Int {
        let probe = 20_000
        _ = try measure(runtime, .plain, threads: 1, loops: probe, context: context)  // warm-up
        let (cpu, _) = try measure(runtime, .plain, threads: 1, loops: probe, context: context)
        let perLoop = max(1, Double(cpu) / Double(probe))
        return min(20_000_000, max(probe, Int(Double(targetNanoseconds) / perLoop) / 1_000 * 1_000))
    }

    /// CPU time the plain one-thread row is sized to take: short, so that plain and locked run close together.
    private static let targetNanoseconds: Int64 = 12_000_000

    /// An interpreter for `mode` holding the list the loop shares and the loop's function.
    private static func interpreter(_ mode: RefcountMode, context: Context) throws -> PyRuntime {
        var settings = PySettings()
        settings.gilEnabled = mode == .plain
        settings.refcount = mode
        let runtime = PyRuntime(settings: settings)
        let setup = try PySupport.compile(runtime, "shared = [1, 2, 3]\n" + code)
        if let error = runtime.runHere(setup, name: "setup", cancellation: context.cancellation).error { throw CommandError(error) }
        return runtime
    }

    /// One measurement: the threads' CPU time and the wall time.
    private static func measure(_ runtime: PyRuntime, _ mode: RefcountMode, threads: Int, loops: Int,
                                context: Context) throws -> (cpu: Int64, wall: Int64) {
        let team = try runtime.runTeam(try PySupport.compile(runtime, "f(\(loops))"), count: threads, cancellation: context.cancellation,
                                       threadName: "bench")
        if team.cancelled { throw Cancelled() }
        if let failed = team.threads.first(where: { $0.error != nil }) {
            throw CommandError("\(mode.rawValue), \(failed.threadName): \(failed.errorSummary ?? failed.error ?? "failed")")
        }
        return (team.threads.reduce(0) { $0 + $1.cpuNanoseconds }, team.wallNanoseconds)
    }
}
