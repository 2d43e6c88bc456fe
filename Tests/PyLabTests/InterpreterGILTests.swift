import Testing
import TestSupport
import LabCore
import PyLab

/// The GIL's state machine with a fake clock: CPython's rules, step by step.
@Suite("Interpreter: GIL state machine")
struct InterpreterGILTests {
    @Test func firstThreadTakesAFreeGIL() {
        var gil = GILCore()
        let r1 = gil.tryTake(1, name: "a", now: 0, since: 0)
        #expect(r1)
        #expect(gil.locked && gil.holder == 1)
        let r2 = gil.tryTake(2, name: "b", now: 1, since: 1)
        #expect(!r2)
        expectEqual(gil.stats.switches, 0)
    }

    @Test func waiterAsksForADropOnlyWhenTheGILDidNotChangeHands() {
        var gil = GILCore()
        _ = gil.tryTake(1, name: "a", now: 0, since: 0)
        let seen = gil.switchNumber
        // The interval passed and thread 1 still holds it: set the drop request.
        let r3 = gil.intervalElapsed(seenSwitch: seen)
        #expect(r3)
        #expect(gil.dropRequested && gil.stats.dropRequests == 1)
        // A second waiter does not ask again while a request is pending.
        let r4 = gil.intervalElapsed(seenSwitch: seen)
        #expect(!r4)
        // Thread 1 drops on request; thread 2 takes it: a forced switch, and the request is cleared.
        gil.drop(1, now: 5_000_000, onRequest: true)
        let r5 = gil.tryTake(2, name: "b", now: 5_000_100, since: 0)
        #expect(r5)
        #expect(!gil.dropRequested)
        #expect(gil.stats.switches == 1 && gil.stats.forcedSwitches == 1)
        expectEqual(gil.stats.threads["a"]?.holdNanoseconds, 5_000_000)
        expectEqual(gil.stats.threads["b"]?.waitNanoseconds, 5_000_100)
        expectEqual(gil.stats.threads["a"]?.forcedDrops, 1)
    }

    @Test func noDropRequestWhenTheGILChangedHandsDuringTheWait() {
        var gil = GILCore()
        _ = gil.tryTake(1, name: "a", now: 0, since: 0)
        let seen = gil.switchNumber
        gil.drop(1, now: 10, onRequest: false)
        _ = gil.tryTake(3, name: "c", now: 11, since: 11)
        let r6 = gil.intervalElapsed(seenSwitch: seen)
        #expect(!r6)
        #expect(gil.stats.switches == 1 && gil.stats.forcedSwitches == 0)
    }

    @Test func forcedSwitchingMakesTheOldHolderWaitForAnotherThread() {
        var gil = GILCore()
        _ = gil.tryTake(1, name: "a", now: 0, since: 0)
        gil.waiting = 1
        gil.drop(1, now: 5, onRequest: true)
        // Until someone else takes it, thread 1 may not take it back…
        #expect(!gil.mayRetake(1))
        _ = gil.tryTake(2, name: "b", now: 6, since: 0)
        gil.waiting = 0
        // …and now it may (it will wait for the GIL like anyone else).
        #expect(gil.mayRetake(1))
    }

    @Test func noWaitingAfterADropWhenNobodyWants() {
        var gil = GILCore()
        _ = gil.tryTake(1, name: "a", now: 0, since: 0)
        gil.drop(1, now: 5, onRequest: true)
        #expect(gil.mayRetake(1))
    }

    @Test func statisticsSubtract() {
        var a = GILStats(switches: 5, forcedSwitches: 3, dropRequests: 4)
        a.threads["a"] = GILThreadStats(name: "a", acquisitions: 3, waits: 2, waitNanoseconds: 100, holdNanoseconds: 900, forcedDrops: 2)
        var b = GILStats(switches: 2, forcedSwitches: 1, dropRequests: 1)
        b.threads["a"] = GILThreadStats(name: "a", acquisitions: 1, waits: 1, waitNanoseconds: 40, holdNanoseconds: 300, forcedDrops: 1)
        let d = a - b
        #expect(d.switches == 3 && d.forcedSwitches == 2 && d.dropRequests == 3)
        #expect(d.threads["a"]?.holdNanoseconds == 600 && d.threads["a"]?.waits == 1)
    }
}
