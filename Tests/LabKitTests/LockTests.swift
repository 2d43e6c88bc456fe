import LabOS
import Synchronization
import Testing
import TestSupport
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide


@Suite struct WaitForGraphTests {
    private func graph(_ edges: [(String, String, String)]) -> WaitForGraph {
        WaitForGraph(edges: edges.map { .init(waiter: $0.0, lock: $0.1, holder: $0.2) })
    }

    @Test func twoThreadCycle() {
        let g = graph([("t2", "L1", "t1"), ("t1", "L2", "t2")])
        expectEqual(g.cycles.map(\.description), ["t1 holds L1 and waits for L2; t2 holds L2 and waits for L1"])
        expectEqual(g.cycles.first?.threads, ["t1", "t2"])
        expectEqual(g.cycles.first?.locks, ["L1", "L2"])
    }

    @Test func threeThreadCycleStartsAtTheSmallestHandle() {
        let g = graph([("t10", "A", "t3"), ("t3", "B", "t2"), ("t2", "C", "t10")])
        expectEqual(g.cycles.map(\.description), ["t2 holds B and waits for C; t10 holds C and waits for A; t3 holds A and waits for B"])
    }

    @Test func selfDeadlock() {
        expectEqual(graph([("t1", "L1", "t1")]).cycles.map(\.description), ["t1 holds L1 and waits for L1"])
    }

    @Test func chainsAndWaitsIntoACycleAreNotCycles() {
        #expect(graph([("t1", "L1", "t2"), ("t2", "L2", "t3")]).cycles.isEmpty)
        #expect(graph([]).cycles.isEmpty)
        // t3 waits for a deadlocked thread: the cycle is t1/t2 only.
        let g = graph([("t3", "L1", "t1"), ("t2", "L1", "t1"), ("t1", "L2", "t2")])
        expectEqual(g.cycles.map(\.threads), [["t1", "t2"]])
    }

    @Test func twoSeparateCycles() {
        let g = graph([("t1", "A", "t2"), ("t2", "B", "t1"), ("t3", "C", "t4"), ("t4", "D", "t3")])
        expectEqual(g.cycles.count, 2)
    }
}

@Suite(.serialized, .timeLimit(.minutes(1))) struct LockTableTests {
    private final class Flag: Sendable {
        let value = Atomic<Bool>(false)
    }

    @Test func acquireWaitsForReleaseAndCountsContention() {
        let table = LockTable()
        let lock = table.create(name: "L1")
        let a = LockOwner(id: 1, name: "a"), b = LockOwner(id: 2, name: "b")
        expectEqual(table.acquire(lock, by: a, shouldStop: { false }), .acquired)
        let got = Flag()
        let done = Gate(false)
        _ = try? OSThread.detach(name: "test-waiter") {
            if table.acquire(lock, by: b, shouldStop: { false }) == .acquired { got.value.store(true, ordering: .relaxed) }
            table.release(lock, by: b)
            done.update { $0 = true }
        }
        #expect(eventually { table.snapshot(lock)?.waiters == [b] })
        let early = got.value.load(ordering: .relaxed)
        #expect(!early)
        table.release(lock, by: a)
        expectEqual(done.wait(timeoutNanoseconds: 10_000_000_000) { $0 ? true : nil }, true)
        let late = got.value.load(ordering: .relaxed)
        #expect(late)
        let stats = table.snapshot(lock)?.stats
        expectEqual(stats?.acquisitions, 2)
        expectEqual(stats?.contended, 1)
        expectEqual(table.snapshot(lock)?.owner, nil)
    }

    @Test func stoppedWaiterFailsAndLeavesTheQueue() {
        let table = LockTable()
        let lock = table.create(name: "L1")
        let a = LockOwner(id: 1, name: "a"), b = LockOwner(id: 2, name: "b")
        _ = table.acquire(lock, by: a, shouldStop: { false })
        let stop = StopFlag()
        let result = Gate<LockAcquisition?>(nil)
        _ = try? OSThread.detach(name: "test-waiter") {
            let r = table.acquire(lock, by: b, shouldStop: { stop.isStopped })
            result.update { $0 = r }
        }
        #expect(eventually { table.snapshot(lock)?.waiters == [b] })
        stop.stop()
        table.wake()
        expectEqual(result.wait(timeoutNanoseconds: 10_000_000_000) { $0 }, .stopped)
        expectEqual(table.snapshot(lock)?.waiters, [])
        expectEqual(table.snapshot(lock)?.owner, a)
    }

    @Test func closingALockFailsItsWaiters() {
        let table = LockTable()
        let lock = table.create(name: "L1")
        _ = table.acquire(lock, by: LockOwner(id: 1, name: "a"), shouldStop: { false })
        let result = Gate<LockAcquisition?>(nil)
        _ = try? OSThread.detach(name: "test-waiter") {
            let r = table.acquire(lock, by: LockOwner(id: 2, name: "b"), shouldStop: { false })
            result.update { $0 = r }
        }
        #expect(eventually { table.snapshot(lock)?.waiters.count == 1 })
        table.remove(lock)
        expectEqual(result.wait(timeoutNanoseconds: 10_000_000_000) { $0 }, .failed("the lock was closed"))
    }
}

@Suite(.serialized, .timeLimit(.minutes(1))) struct DeadlockTests {
    private func makeDeadlock(_ session: Session) {
        #expect(session.execute("lock new").succeeded)
        #expect(session.execute("lock new").succeeded)
        #expect(session.execute("thread spawn lockseq L1 L2 --hold 50 --meet").succeeded)
        #expect(session.execute("thread spawn lockseq L2 L1 --hold 50 --meet").succeeded)
    }

    @Test func detectorFindsTheCycleEveryTime() {
        for _ in 0..<3 {
            let session = Session()
            makeDeadlock(session)
            let check = session.execute("deadlock check --wait 20000")
            #expect(check.succeeded)
            let fields = check.result.fields
            expectEqual(fields["deadlocked"], .bool(true))
            expectEqual(fields["cycle"], .string("t1 holds L1 and waits for L2; t2 holds L2 and waits for L1"))
            expectEqual(fields["threads"], .list([.string("t1"), .string("t2")]))
            expectEqual(fields["count"], .int(2))
            let list = session.execute("thread list").result.fields
            expectEqual(Evaluator(record: list).evaluateText("rows[0].state"), .string("waiting on L2"))
            expectEqual(Evaluator(record: list).evaluateText("rows[1].state"), .string("waiting on L1"))
            expectEqual(Evaluator(record: list).evaluateText("rows[0].holds"), .list([.string("L1")]))
            #expect(session.shutdown().isEmpty)
        }
    }

    @Test func cancellingOneThreadEndsTheDeadlock() {
        let session = Session()
        makeDeadlock(session)
        expectEqual(session.execute("deadlock check --wait 20000").result.fields["deadlocked"], .bool(true))
        let cancel = session.execute("thread cancel t1 --wait 10000")
        #expect(cancel.succeeded)
        expectEqual(cancel.result.fields["still_running"], .int(0))
        let join = session.execute("thread join t2 --timeout 20000")
        expectEqual(join.result.fields["state"], .string("done"))
        expectEqual(join.result.fields["result"], .string("took L2, then L1"))
        expectEqual(session.execute("thread join t1").result.fields["state"], .string("cancelled"))
        expectEqual(session.execute("deadlock check").result.fields["deadlocked"], .bool(false))
        let locks = session.execute("lock list").result.fields
        expectEqual(Evaluator(record: locks).evaluateText("rows[0].owner"), .null)
        expectEqual(Evaluator(record: locks).evaluateText("rows[1].owner"), .null)
        #expect(session.shutdown().isEmpty)
    }

    @Test func watchdogPostsANotice() {
        let session = Session()
        makeDeadlock(session)
        var notices: [String] = []
        #expect(eventually(within: 20) {
            notices += session.takeNotices()
            return notices.contains { $0.contains("t1 holds L1 and waits for L2; t2 holds L2 and waits for L1") }
        })
        #expect(session.shutdown().isEmpty)
    }

    @Test func shutdownEndsDeadlockedThreads() {
        let session = Session()
        makeDeadlock(session)
        expectEqual(session.execute("deadlock check --wait 20000").result.fields["deadlocked"], .bool(true))
        let threads = session.objects.all(kind: .thread).compactMap { $0.object as? LabThread }
        #expect(session.shutdown().isEmpty)
        expectEqual(threads.count, 2)
        #expect(threads.allSatisfy { $0.isFinished })
        #expect(session.objects.all().isEmpty)
    }

    @Test func orderedLocksDoNotDeadlock() {
        let session = Session()
        _ = session.execute("lock new")
        _ = session.execute("lock new")
        _ = session.execute("thread spawn lockseq L1 L2 --hold 20")
        _ = session.execute("thread spawn lockseq L1 L2 --hold 20")
        expectEqual(session.execute("thread join t1 --timeout 20000").result.fields["state"], .string("done"))
        expectEqual(session.execute("thread join t2 --timeout 20000").result.fields["state"], .string("done"))
        let stats = session.execute("lock stats").result.fields
        expectEqual(stats["acquisitions"], .int(4))
        #expect(session.shutdown().isEmpty)
    }

    @Test func lockCommands() {
        let session = Session()
        expectEqual(session.execute("lock new accounts").result.fields["handle"], .string("accounts"))
        expectEqual(session.execute("lock new").result.fields["handle"], .string("L1"))
        expectEqual(session.execute("lock new accounts").failure?.message, "the name 'accounts' is taken; pick another or close accounts first")
        expectEqual(session.execute("lock list").result.fields["count"], .int(2))
        #expect(session.execute("thread spawn lockseq L7").failure?.message
            == "No lock L7. Run 'lock list' to see live locks. Did you mean 'L1'? Make one with 'lock new L7'.")
        expectEqual(session.execute("deadlock watch off").result.fields["watchdog"], .string("off"))
        expectEqual(session.execute("deadlock watch").result.fields["watchdog"], .string("off"))
        #expect(session.execute("close accounts L1").succeeded)
        expectEqual(session.execute("lock list").result.fields["count"], .int(0))
    }

    @Test func lockBenchReportsEachFigure() {
        let outcome = Session().execute("lock bench --ops 2000")
        #expect(outcome.succeeded)
        let fields = outcome.result.fields
        expectEqual(fields["count"], .int(9))
        for key in ["plain_ns", "uncontended_mutex_ns", "uncontended_pthread_ns", "atomic_ns", "uncontended_lab_lock_ns",
                    "contended_mutex_ns", "contended_pthread_ns", "contended_atomic_ns", "contended_lab_lock_ns"] {
            #expect(fields[key]?.number != nil, "missing \(key)")
        }
    }
}

/// `lockseq --meet`: the cycle forms however late the partner comes, and the same order still finishes.
@Suite(.serialized, .timeLimit(.minutes(1))) struct LockMeetTests {
    @Test func theCycleFormsHoweverLateThePartnerComes() {
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute("lock new --name left").succeeded)
        #expect(session.execute("lock new right").succeeded)
        expectEqual(session.execute("lock new --name x y").failure?.message, "give the name once: 'lock new NAME' or 'lock new --name NAME'")
        #expect(session.execute("thread spawn lockseq left right --meet --name ann").succeeded)
        // ann holds `left` and waits for its partner: far past any hold time, it has not reached for `right`.
        #expect(eventually {
            let list = session.execute("thread list").result.fields
            return Evaluator(record: list).evaluateText("rows[0].holds") == .list([.string("left")])
        })
        #expect(session.execute("sleep 400").succeeded)
        expectEqual(Evaluator(record: session.execute("thread list").result.fields).evaluateText("rows[0].state"), .string("sleeping"))
        #expect(session.execute("thread spawn lockseq right left --meet --name bob").succeeded)
        let check = session.execute("deadlock check --wait 20000").result.fields
        expectEqual(check["cycle"], .string("ann holds left and waits for right; bob holds right and waits for left"))
    }

    @Test func theSameOrderStillFinishes() {
        let session = Session()
        defer { session.shutdown() }
        _ = session.execute("lock new --name left")
        _ = session.execute("lock new --name right")
        #expect(session.execute("thread spawn lockseq left right --meet --name carl").succeeded)
        #expect(session.execute("thread spawn lockseq left right --meet --name dora").succeeded)
        let carl = session.execute("thread join carl --timeout 20000").result.fields
        expectEqual(carl["state"], .string("done"))
        expectEqual(carl["result"], .string("took left, then right"))
        expectEqual(session.execute("thread join dora --timeout 20000").result.fields["state"], .string("done"))
        // dora queued for `left` while carl held it: that is how it met carl.
        expectEqual(session.execute("lock stats").result.fields["contended"], .int(1))
    }

    @Test func aPartnerThatNeverComesIsWaitedForAtMostTheTimeout() {
        let table = LockTable()
        let a = table.create(name: "a"), b = table.create(name: "b")
        let key = [a, b]
        let first = LockOwner(id: 1, name: "first"), late = LockOwner(id: 2, name: "late")
        expectEqual(table.acquire(a, by: first, meeting: key, shouldStop: { false }), .acquired)
        #expect(table.awaitPartner(first, at: key, timeoutNanoseconds: 20_000_000, shouldStop: { false }) == .timedOut)
        table.release(a, by: first)
        // The one that gave up has left the meeting: a later arrival waits for a partner of its own.
        expectEqual(table.acquire(b, by: late, meeting: key, shouldStop: { false }), .acquired)
        #expect(table.awaitPartner(late, at: key, timeoutNanoseconds: 20_000_000, shouldStop: { false }) == .timedOut)
        #expect(table.awaitPartner(late, at: key, timeoutNanoseconds: 10_000_000_000, shouldStop: { true }) == .stopped)
    }

    @Test func arrivingTogetherMeetsAtOnce() {
        let table = LockTable()
        let a = table.create(name: "a")
        let one = LockOwner(id: 1, name: "one"), two = LockOwner(id: 2, name: "two")
        expectEqual(table.acquire(a, by: one, meeting: [a], shouldStop: { false }), .acquired)
        let queued = Gate<LockAcquisition?>(nil)
        _ = try? OSThread.detach(name: "test-partner") {
            let r = table.acquire(a, by: two, meeting: [a], shouldStop: { false })
            queued.update { $0 = r }
        }
        // Queueing for the lock is arriving: `one` goes on without waiting for its timeout.
        #expect(table.awaitPartner(one, at: [a], timeoutNanoseconds: 60_000_000_000, shouldStop: { false }) == .met)
        table.release(a, by: one)
        expectEqual(queued.wait(timeoutNanoseconds: 10_000_000_000) { $0 }, .acquired)
        #expect(table.awaitPartner(two, at: [a], timeoutNanoseconds: 60_000_000_000, shouldStop: { false }) == .met)
    }

    @Test func aWorkerPlaysBothPartiesWithMeet() {
        expectEqual(WorkerMode.run(.lockseq(locks: ["A"], holdMilliseconds: 0, meet: true)), .completed(result: "took A"))
    }

    @Test(arguments: [
        (["lockseq", "a", "b", "--meet"], Workload.lockseq(locks: ["a", "b"], holdMilliseconds: 0, meet: true)),
        (["lockseq", "a", "--meet", "--hold", "5"], Workload.lockseq(locks: ["a"], holdMilliseconds: 5, meet: true)),
    ])
    func meetTravelsInAWorkersWords(_ words: [String], _ workload: Workload) throws {
        #expect(try Workload(words: words) == workload)
        #expect(try Workload(words: workload.words) == workload)
    }

    @Test func meetIsForLockseqOnly() {
        #expect(errorText { _ = try Workload(words: ["sleep", "10", "--meet"]) } == "--meet applies to lockseq only")
    }
}

fileprivate extension Evaluator {
    /// Evaluates expression text, or nil when it does not parse or evaluate.
    func evaluateText(_ text: String) -> Value? {
        guard let expression = try? Expression(parsing: text) else { return nil }
        return try? evaluate(expression)
    }
}
