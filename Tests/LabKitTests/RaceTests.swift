import Testing
import TestSupport
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide

@Suite(.serialized, .timeLimit(.minutes(1))) struct RaceCounterTests {
    @Test(arguments: [CounterSync.mutex, .atomic, .local])
    func synchronisedCountersAreAlwaysExact(_ sync: CounterSync) throws {
        for threads in [1, 2, 4] {
            for _ in 0..<3 {
                let trial = try SharedCounter.trial(threads: threads, iterations: 100_000, sync: sync, isCancelled: { false })
                expectEqual(trial.expected, threads * 100_000)
                expectEqual(trial.actual, trial.expected)
                expectEqual(trial.lost, 0)
            }
        }
    }

    @Test func racyCounterCanOnlyLose() throws {
        // Whether updates are lost depends on the machine; that they are never gained does not.
        let trial = try SharedCounter.trial(threads: 2, iterations: 100_000, sync: .none, isCancelled: { false })
        #expect(trial.actual >= 1)
        #expect(trial.actual <= trial.expected)
        expectEqual(trial.lost, trial.expected - trial.actual)
    }

    @Test func racyCounterWithOneThreadIsExact() throws {
        let trial = try SharedCounter.trial(threads: 1, iterations: 100_000, sync: .none, isCancelled: { false })
        expectEqual(trial.actual, 100_000)
    }

    @Test func cancelledTrialStopsAndThrows() {
        #expect(throws: Cancelled.self) {
            _ = try SharedCounter.trial(threads: 2, iterations: 1_000_000_000, sync: .mutex, isCancelled: { true })
        }
    }

    @Test func commandRecord() {
        let outcome = Session().execute("race counter --threads 3 --iterations 10000 --sync atomic")
        #expect(outcome.succeeded)
        let fields = outcome.result.fields
        expectEqual(fields["expected"], .int(30_000))
        expectEqual(fields["actual"], .int(30_000))
        expectEqual(fields["lost"], .int(0))
        expectEqual(fields["sync"], .string("atomic"))
        #expect(fields["time_ms"]?.number != nil)
    }

    @Test func commandTrials() {
        let outcome = Session().execute("race counter --iterations 1000 --sync mutex --trials 4")
        #expect(outcome.succeeded)
        let fields = outcome.result.fields
        expectEqual(fields["count"], .int(1))
        expectEqual(fields["trials"], .int(4))
        expectEqual(fields["trials_with_loss"], .int(0))
        expectEqual(fields["median_lost"], .int(0))
        expectEqual(fields["distinct_outcomes"], .int(1))
        expectEqual(fields["rows"], .list([.record(Record([("actual", .int(2000)), ("lost", .int(0)), ("trials", .int(4))]))]))
        // The histogram's bars are drawn for people only: never in the data.
        #expect(HumanRenderer(color: false).render(outcome.result).contains("4  " + String(repeating: "█", count: 30)))
        #expect(!JSONRenderer.render(outcome.result).contains("█"))
    }

    @Test func threadsAreCappedByTheLimit() {
        let session = Session()
        #expect(session.execute("set limit threads 4").succeeded)
        let outcome = session.execute("race counter --threads 5")
        expectEqual(outcome.failure?.kind, .usage)
        expectEqual(outcome.failure?.message, "threads must be between 1 and 4, got 5")
        expectEqual(Session().execute("race counter --sync sloppy").failure?.kind, .usage)
        expectEqual(Session().execute("race counter --trials 0").failure?.message, "trials must be between 1 and 10000, got 0")
    }

    @Test func histogramListsDistinctValues() {
        let results = [9, 10, 9, 7].map { CounterTrial(expected: 10, actual: $0, nanoseconds: 1) }
        let table = RaceCounter.histogram(results, title: "t", fields: [])
        expectEqual(table.rows.map { $0[0] }, [.int(10), .int(9), .int(7)])
        expectEqual(table.rows.map { $0[2] }, [.int(1), .int(2), .int(1)])
        expectEqual(table.summary?["trials_with_loss"], .int(3))
        expectEqual(table.summary?["median_lost"], .int(1))
        expectEqual(table.summary?["max_lost"], .int(3))
        expectEqual(table.summary?["distinct_outcomes"], .int(3))
    }

    @Test func histogramGroupsManyValuesIntoRanges() {
        let results = (0..<40).map { CounterTrial(expected: 1000, actual: 500 + $0 * 10, nanoseconds: 1) }
        let table = RaceCounter.histogram(results, title: "t", fields: [], maxRows: 12)
        #expect(table.rows.count <= 12)
        expectEqual(table.rows.reduce(0) { $0 + Int($1[2].number ?? 0) }, 40)
        guard case .string(let top)? = table.rows.first?[0] else { Issue.record("ranges should be text"); return }
        #expect(top.hasSuffix("…890"))
        expectEqual(table.summary?["distinct_outcomes"], .int(40))
    }
}
