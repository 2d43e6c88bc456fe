import Foundation
import Testing

extension EndToEnd {
    /// A join blocks on the thread's end (and Ctrl-C) instead of waking every few milliseconds to look.
    @Suite(.serialized, .timeLimit(.minutes(1)))
    struct WaitTests {
        @Test("thread join of a 300 ms thread switches a few times, not once per polling slice", arguments: [
            "thread spawn sleep 300", "thread spawn --py 'sleep(300)'",
        ])
        func joinDoesNotPoll(spawn: String) throws {
            let run = try runConclab(["--json"], stdin: spawn + "\ntime thread join t1\n")
            #expect(run.status == 0, "\(run)")
            let timed = try #require(lines(run.stdout).last)
            let switches = timed.range(of: "\"voluntary_switches\":").map { timed[$0.upperBound...].prefix { $0.isNumber } }.flatMap { Int($0) }
            // Waking every 5 or 10 ms to look would switch 30 to 60 times in 300 ms.
            #expect(switches.map { $0 < 20 } == true, "\(timed)")
        }
    }
}
