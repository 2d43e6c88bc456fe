import LabOS
import LabCore
import PyLab

/// `race`: race conditions on real threads.
package struct RaceCommand: Command {
    package init() {}
    package let spec = CommandSpec("race", summary: "race conditions on real OS threads: the shared counter",
                           discussion: "See also 'sim' for the same races stepped one instruction at a time.")
    package let verbs: [any Command] = [RaceCounter()]
    package let defaultVerb: String? = "counter"
}

package struct RaceCounter: Command {
    package let spec = CommandSpec("counter", summary: "N threads increment one shared counter K times each; count what was lost",
                           flags: [FlagSpec("threads", short: "t", value: .integer, valueName: "N", help: "threads (default 2, at most the thread limit)"),
                                   FlagSpec("iterations", short: "k", value: .integer, valueName: "K", help: "increments per thread (default 1000000)"),
                                   FlagSpec("sync", value: .choice(CounterSync.allCases.map(\.rawValue)), valueName: "HOW",
                                            help: "none (racy), mutex, atomic, or local (count privately, add once)"),
                                   FlagSpec("trials", short: "n", value: .integer, valueName: "T", help: "repeat T times and show the outcome histogram")],
                           examples: ["race counter --threads 2 --iterations 1000000 --sync none",
                                      "race counter --sync none --trials 20",
                                      "race counter --sync mutex --trials 5"],
                           discussion: """
                               With --trials: a table of distinct final values (grouped into ranges when there are many) and \
                               figures over the trials. Ctrl-C stops between chunks of increments.
                               """,
                           fields: [FieldSpec("threads", "threads that incremented"), FieldSpec("iterations", "increments per thread"),
                                    FieldSpec("sync", "how they synchronised"), FieldSpec("expected", "threads × iterations"),
                                    FieldSpec("actual", "the counter's final value (one run)", occasional: true),
                                    FieldSpec("lost", "increments lost: expected − actual (one run)", occasional: true),
                                    FieldSpec("lost_pct", "lost, in per cent of expected (one run)", occasional: true),
                                    FieldSpec("time_ms", "time the threads took (one run)", occasional: true),
                                    FieldSpec("ns_per_increment", "time per increment (one run)", unit: .nanoseconds, occasional: true),
                                    .column("actual", "a final value (or a range of them) seen in the trials (--trials)"),
                                    .column("lost", "the increments it lost"), .column("trials", "how many trials ended there"),
                                    FieldSpec("trials", "trials run (--trials)", occasional: true),
                                    FieldSpec("trials_with_loss", "trials that lost increments (--trials)", occasional: true),
                                    FieldSpec("min_lost", "the fewest lost in a trial (--trials)", occasional: true),
                                    FieldSpec("median_lost", "the median lost (--trials)", occasional: true),
                                    FieldSpec("max_lost", "the most lost (--trials)", occasional: true),
                                    FieldSpec("median_lost_pct", "the median lost, in per cent of expected (--trials)", occasional: true),
                                    FieldSpec("distinct_outcomes", "different final values seen (--trials)", occasional: true),
                                    FieldSpec("median_time_ms", "the median time of a trial (--trials)", occasional: true)])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let limit = context.session.objects.limit(of: .thread) ?? 256
        let threads = try arguments.integer("threads", default: 2, range: 1...max(1, limit))
        let iterations = try arguments.integer("iterations", default: 1_000_000, range: 1...1_000_000_000)
        let sync = CounterSync(rawValue: arguments.string("sync") ?? "none") ?? .none
        let trials = try arguments.integer("trials")
        if let trials, !(1...10_000).contains(trials) {
            throw UsageError("trials must be between 1 and 10000, got \(trials)", usage: arguments.usage)
        }
        var results: [CounterTrial] = []
        for index in 0..<(trials ?? 1) {
            try context.checkCancelled()
            results.append(try SharedCounter.trial(threads: threads, iterations: iterations, sync: sync,
                                                   isCancelled: { context.cancellation.isCancelled }))
            if let trials { context.progress(Double(index + 1) / Double(trials), "trial \(index + 1) of \(trials)") }
        }
        let heading = "race counter: \(threads) thread\(threads == 1 ? "" : "s") × \(Format.compact(Double(iterations))) increments, sync \(sync.rawValue)"
        guard trials != nil else {
            let t = results[0]
            return .record(Record(title: heading + " (\(sync.explanation))", [
                ("threads", .int(threads)), ("iterations", .int(iterations)), ("sync", .string(sync.rawValue)),
                ("expected", .int(t.expected)), ("actual", .int(t.actual)), ("lost", .int(t.lost)),
                ("lost_pct", .quantity(Double(t.lost) * 100 / Double(t.expected), .percent)),
                ("time_ms", .ms(t.nanoseconds)),
                ("ns_per_increment", .quantity(Double(t.nanoseconds) / Double(t.expected), .nanoseconds)),
            ]))
        }
        return .table(Self.histogram(results, title: "\(heading), \(results.count) trials",
                                     fields: [("threads", .int(threads)), ("iterations", .int(iterations)), ("sync", .string(sync.rawValue))]))
    }

    /// The outcome histogram: one row per distinct final value, or per range of values when there are more than `maxRows`.
    package static func histogram(_ results: [CounterTrial], title: String, fields: [(String, Value)], maxRows: Int = 12) -> Table {
        let expected = results.first?.expected ?? 0
        let actuals = results.map(\.actual)
        var counts: [Int: Int] = [:]
        for a in actuals { counts[a, default: 0] += 1 }
        var rows: [[Value]] = []
        if counts.count <= maxRows {
            for (actual, n) in counts.sorted(by: { $0.key > $1.key }) {
                rows.append([.int(actual), .int(expected - actual), .int(n)])
            }
        } else {
            let low = actuals.min() ?? 0, high = actuals.max() ?? 0
            let bins = maxRows
            let width = max(1, (high - low + bins) / bins)
            var binCounts = [Int](repeating: 0, count: bins)
            for a in actuals { binCounts[min(bins - 1, (a - low) / width)] += 1 }
            for b in (0..<bins).reversed() where binCounts[b] > 0 {
                let from = low + b * width, to = min(high, from + width - 1)
                rows.append([.string("\(from)…\(to)"), .string("\(expected - to)…\(expected - from)"), .int(binCounts[b])])
            }
        }
        let lost = Statistics(results.map { Int64($0.lost) })
        let times = Statistics(results.map(\.nanoseconds))
        var summary = Record(fields)
        summary.fields += [
            ("trials", .int(results.count)), ("expected", .int(expected)),
            ("trials_with_loss", .int(results.filter { $0.lost > 0 }.count)),
            ("min_lost", .int(Int(lost.min))), ("median_lost", .int(Int(lost.median))), ("max_lost", .int(Int(lost.max))),
            ("median_lost_pct", .quantity(expected == 0 ? 0 : Double(lost.median) * 100 / Double(expected), .percent)),
            ("distinct_outcomes", .int(counts.count)),
            ("median_time_ms", .ms(times.median)),
        ]
        return Table(title: title, columns: ["actual", "lost", "trials"], rows: rows, summary: summary,
                     bars: Bars(column: "trials", title: "histogram"))
    }
}
