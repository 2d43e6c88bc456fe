import Foundation
import Testing
import TestSupport

extension EndToEnd {
    /// A join blocks on the thread's end (and Ctrl-C) instead of waking every few milliseconds to look.
    @Suite(.serialized, .timeLimit(.minutes(1)))
    struct WaitTests {
        @Test("waiting 300 ms for a thread or a worker switches a few times, not once per polling slice", arguments: [
            ("thread spawn sleep 300", "thread join t1"), ("thread spawn --py 'sleep(300)'", "thread join t1"),
            ("proc spawn sleep 300", "proc wait p1"),
        ])
        func joinDoesNotPoll(spawn: String, wait: String) throws {
            let run = try runConclab(["--json"], stdin: spawn + "\ntime " + wait + "\n")
            expectEqual(run.status, 0, "\(run)")
            let timed = try #require(lines(run.stdout).last)
            let switches = timed.range(of: "\"voluntary_switches\":").map { timed[$0.upperBound...].prefix { $0.isNumber } }.flatMap { Int($0) }
            // Waking every 2, 5 or 10 ms to look would switch 30 to 150 times in 300 ms.
            expectEqual(switches.map { $0 < 20 }, true, "\(timed)")
        }
    }
}
