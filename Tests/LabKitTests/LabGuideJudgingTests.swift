import Testing
import TestSupport
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide
import LabOS

/// Guided mode judges a step as a person does it: repeats, a command of the learner's own in between, another
/// order, another right answer (a goal). A right action never shows a ✗.
@Suite(.serialized) struct LabGuideJudgingTests {
    static let lab = """
    ---
    id: judged
    title: Judged
    topic: shell
    minutes: 1
    ---
    ## Pull three
    ```conclab
    gen range 0 3 --name nums
    iter nums --name it
    next it
    next it
    next it
    ```
    ```check
    value == 2
    ```
    ```conclab
    echo closing
    ```

    ## Make and list
    ```conclab
    thread spawn sleep 30000 --name sleeper
    ls
    ```
    ```check
    count == 1
    rows[0].handle == "sleeper"
    ```
    ```conclab
    close sleeper
    ```

    ## Any schedule
    ```conclab
    sim load counter
    sim run t1 t1
    sim run t2 t2 t2
    sim step t1
    ```
    ```goal
    finished
    violates
    ```

    ## The last
    ```conclab
    echo last
    ```
    """

    private func session() throws -> (Session, String) { try sessionWithLab(Self.lab, file: "01-judged.md") }

    /// Runs `line`, which must succeed; returns the notes shown under it.
    @discardableResult
    private func run(_ session: Session, _ line: String) -> [String] {
        let outcome = session.execute(line)
        #expect(outcome.succeeded, "\(line): \(outcome.failure?.message ?? "")")
        return outcome.notes.map(\.text)
    }

    private func crosses(_ notes: [String]) -> [String] { notes.filter { $0.contains("✗") } }
    private func done(_ notes: [String]) -> Bool { notes.contains { $0.contains("Step") && $0.contains("done") } }

    @Test func aRepeatedCommandIsJudgedAtTheOccurrenceReached() throws {
        let (session, dir) = try session()
        defer { Files.removeTree(dir); session.shutdown() }
        run(session, "lab start judged")
        var notes: [String] = []
        for line in ["gen range 0 3 --name nums", "echo mine", "iter nums --name it", "next it", "next it"] {
            notes += run(session, line)
        }
        #expect(crosses(notes).isEmpty, "\(notes)")
        let third = run(session, "next it")
        #expect(third.contains { $0.contains("✓ value == 2") }, "\(third)")
        // Its checks held, but the step has one more command: not done before it runs.
        #expect(!done(third))
        #expect(run(session, "echo closing").contains("✓ Step 1 done. 'lab next' for step 2."))
    }

    @Test func tabOffersTheStepsCommandAfterTheLearnersOwn() throws {
        let (session, dir) = try session()
        defer { Files.removeTree(dir); session.shutdown() }
        run(session, "lab start judged")
        run(session, "gen range 0 3 --name nums")
        // The learner's own iterator takes the next automatic handle; it is not the step's `it`.
        let own = run(session, "iter nums")
        #expect(crosses(own).isEmpty)
        expectEqual(session.complete("").candidates, ["iter nums --name it"])
        run(session, "iter nums --name it")
        expectEqual(session.complete("").candidates, ["next it"])
        expectEqual(session.complete("next ").candidates, ["next it"])
        // Handles offered are the lab's own, and the step's still work after the learner's one.
        expectEqual(Set(session.completeWord("", after: ["next"])), ["nums", "g1", "it"])
        expectEqual(session.execute("next it").result.fields["value"], .int(0))
    }

    @Test func aBlockThatHeldIsNotMarkedWrongLater() throws {
        let (session, dir) = try session()
        defer { Files.removeTree(dir); session.shutdown() }
        run(session, "lab start judged")
        run(session, "lab step 2")
        // `ls` before the process exists is ahead of `proc spawn`: not judged yet, no ✗.
        let early = run(session, "ls")
        #expect(crosses(early).isEmpty && early.contains { $0.contains("not judged yet") && $0.contains("thread spawn sleep 30000 --name sleeper") },
                "\(early)")
        run(session, "thread spawn sleep 30000 --name sleeper")
        #expect(run(session, "ls").contains { $0.contains("✓ count == 1") })
        #expect(done(run(session, "close sleeper")))
        // The learner looks again after closing: the step's check would fail now, and says nothing.
        #expect(crosses(run(session, "ls")).isEmpty)
    }

    @Test func aGoalTakesAnyResultThatReachesIt() throws {
        let (session, dir) = try session()
        defer { Files.removeTree(dir); session.shutdown() }
        run(session, "lab start judged")
        run(session, "lab step 3")
        run(session, "sim load counter")
        let serial = run(session, "sim run t1 t1 t1 t2 t2 t2")
        #expect(crosses(serial).isEmpty)
        #expect(serial.contains { $0.contains("goal not reached yet") && $0.contains("violates") }, "\(serial)")
        run(session, "sim reset")
        let lost = run(session, "sim run t1 t2 t1 t2 t1 t2")
        #expect(lost.contains { $0.contains("✓ violates") }, "\(lost)")
        // Another schedule than the step's reaches the goal: the step's own transcript is not asked for as well.
        #expect(lost.contains("✓ Step 3 done. 'lab next' for step 4."), "\(lost)")
    }

    @Test func labNextSaysWhatAStepLacksAndMovesOn() throws {
        let (session, dir) = try session()
        defer { Files.removeTree(dir); session.shutdown() }
        run(session, "lab start judged")
        run(session, "gen range 0 3 --name nums")
        let next = session.execute("lab next")
        #expect(next.succeeded)
        #expect(next.text.contains("○ Step 1 is not done (not run: iter nums --name it; next it; next it; next it; echo closing; not yet true: value == 2)."),
                "\(next.text)")
        #expect(next.text.contains("step 2 of 4: Make and list"))
        expectEqual(LabGuide.promptPrefix(session), "[judged 2/4] ")
    }

    @Test func aLabRunsInAScopeOfItsOwn() throws {
        let (session, dir) = try session()
        defer { Files.removeTree(dir); session.shutdown() }
        run(session, "gen range 0 5")
        run(session, "lock new")
        let start = session.execute("lab start judged")
        #expect(start.text.contains("Your objects (g1, L1) are set aside while the lab runs"), "\(start.text)")
        #expect(start.text.contains("'lab start judged --here'"))
        run(session, "lab step 2")
        run(session, "thread spawn sleep 30000 --name sleeper")
        let listed = session.execute("ls")
        expectEqual(listed.result.fields["count"], .int(1))
        #expect(listed.notes.contains { $0.text.contains("✓ count == 1") })
        expectEqual(session.execute("close L1").failure?.message.hasPrefix("no object 'L1', so nothing was closed"), true)
        let stop = session.execute("lab stop")
        #expect(stop.text.contains("Closed what the lab made: sleeper. Your objects are back: g1, L1."), "\(stop.text)")
        expectEqual(session.objects.handles(), ["g1", "L1"])
    }

    @Test func hereRunsBesideTheLearnersObjects() throws {
        let (session, dir) = try session()
        defer { Files.removeTree(dir); session.shutdown() }
        run(session, "lock new")
        let start = session.execute("lab start judged --here")
        #expect(start.text.contains("The lab runs beside your objects (L1)"), "\(start.text)")
        run(session, "gen range 0 3 --name nums")
        expectEqual(session.objects.handles(), ["L1", "nums"])
        let stop = session.execute("lab stop")
        expectEqual(stop.text, "Left lab 'judged'. 'lab start judged' resumes it.")
        expectEqual(session.objects.handles(), ["L1", "nums"])
    }
}
