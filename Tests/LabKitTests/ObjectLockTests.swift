import LabOS
import Synchronization
import Testing
import TestSupport
import LabKit
import LabCore
import PyLab
import LabTopics

/// `gil refcount locked`: one lock per object, the deadlock two calls can make of it, and the global order that fixes it.
@Suite("Interpreter: one lock per object", .serialized, .timeLimit(.minutes(1)))
struct ObjectLockTests {
    /// A runtime in `refcount locked` mode without the GIL, and two lists made in it (`a` has the smaller id).
    static func lockedRuntime(order: ObjectLockOrder = .call) throws -> (PyRuntime, PyList, PyList) {
        let runtime = PyRuntime()
        try runtime.changeSettings {
            $0.gilEnabled = false
            $0.refcount = .locked
            $0.lockOrder = order
        }
        let maker = PyThreadState(runtime: runtime, name: "maker", cancellation: nil, attached: false)
        let a = unsafeDowncast(maker.newList([]).object, to: PyList.self)
        let b = unsafeDowncast(maker.newList([]).object, to: PyList.self)
        #expect(a.id < b.id)
        return (runtime, a, b)
    }

    /// What a thread's work ended with: nil when it finished, else the Python exception's type and message.
    final class Outcomes: Sendable {
        let gate = Gate([String: String?]())
        func set(_ name: String, _ error: PyError?) { gate.update { $0[name] = .some(error.map { "\($0.typeName): \($0.message)" }) } }
        func wait(for count: Int) -> [String: String?]? {
            gate.wait(timeoutNanoseconds: 20_000_000_000) { $0.count >= count ? $0 : nil }
        }
    }

    static func waiting(_ runtime: PyRuntime) -> Int { runtime.objectLocks.gate.update { $0.waiting.count } }

    @Test func locksAreRealAndReentrantForTheirHolder() throws {
        let (runtime, a, _) = try Self.lockedRuntime()
        let ts = PyThreadState(runtime: runtime, name: "one", cancellation: nil, attached: false)
        let taken = try ts.lockObject(a)
        guard case .taken = taken else { Issue.record("a free lock was not taken: \(taken)"); return }
        expectEqual(a.owner.load(ordering: .relaxed), ts.number)
        // Its holder takes it again without waiting (a list extended by itself), and must not release it then.
        guard case .alreadyHeld = try ts.lockObject(a) else { Issue.record("the holder waited for its own lock"); return }
        ts.unlockObject(a, taken)
        expectEqual(a.owner.load(ordering: .relaxed), 0)
    }

    @Test func twoThreadsTakingTwoListsInOppositeOrdersDeadlockAndBothAreToldWhy() throws {
        let (runtime, a, b) = try Self.lockedRuntime()
        let outcomes = Outcomes()
        let aHeld = Atomic<Bool>(false)
        let bHeld = Atomic<Bool>(false)
        // t1 holds a and waits for b; t2 holds b and then runs b.extend(a): b (held), then a.
        try OSThread.detach(name: "test-t1") {
            let ts = PyThreadState(runtime: runtime, name: "t1", cancellation: nil, attached: false)
            do throws(PyError) {
                let held = try ts.lockObject(a)
                aHeld.store(true, ordering: .releasing)
                defer { ts.unlockObject(a, held) }
                _ = eventually { bHeld.load(ordering: .acquiring) }
                let second = try ts.lockObject(b)
                ts.unlockObject(b, second)
                outcomes.set("t1", nil)
            } catch { outcomes.set("t1", error) }
        }
        #expect(eventually { aHeld.load(ordering: .acquiring) })
        try OSThread.detach(name: "test-t2") {
            let ts = PyThreadState(runtime: runtime, name: "t2", cancellation: nil, attached: false)
            do throws(PyError) {
                let held = try ts.lockObject(b)
                bHeld.store(true, ordering: .releasing)
                defer { ts.unlockObject(b, held) }
                // Only once t1 is parked on b is the cycle certain to close here.
                _ = eventually { Self.waiting(runtime) == 1 }
                try ts.extendLocked(b, with: a)
                outcomes.set("t2", nil)
            } catch { outcomes.set("t2", error) }
        }
        let ends = try #require(Self.wait(outcomes, 2))
        let cycle = "t1 holds list #\(a.id) and waits for list #\(b.id); t2 holds list #\(b.id) and waits for list #\(a.id)"
        expectEqual(ends["t1"], .some("RuntimeError: deadlock detected: \(cycle)"))
        expectEqual(ends["t2"], .some("RuntimeError: deadlock detected: \(cycle)"))
        expectEqual(runtime.objectLocks.takeDeadlocks(), [cycle])
        #expect(a.owner.load(ordering: .relaxed) == 0 && b.owner.load(ordering: .relaxed) == 0)
        expectEqual(Self.waiting(runtime), 0)
    }

    @Test func byIDTheSecondThreadWaitsForTheFirstListAndNothingDeadlocks() throws {
        let (runtime, a, b) = try Self.lockedRuntime(order: .id)
        let outcomes = Outcomes()
        let holder = PyThreadState(runtime: runtime, name: "t1", cancellation: nil, attached: false)
        let first = try holder.lockObject(a)
        try OSThread.detach(name: "test-t2") {
            let ts = PyThreadState(runtime: runtime, name: "t2", cancellation: nil, attached: false)
            do throws(PyError) { try ts.extendLocked(b, with: a); outcomes.set("t2", nil) } catch { outcomes.set("t2", error) }
        }
        // b.extend(a) by id waits for a (the smaller id) without holding b, so the holder of a takes b at once.
        #expect(eventually { Self.waiting(runtime) == 1 })
        expectEqual(b.owner.load(ordering: .relaxed), 0)
        let second = try holder.lockObject(b)
        guard case .taken = second else { Issue.record("b was not free: \(second)"); return }
        holder.unlockObject(b, second)
        holder.unlockObject(a, first)
        let ends = try #require(Self.wait(outcomes, 1))
        expectEqual(ends["t2"], .some(nil))
        #expect(runtime.objectLocks.takeDeadlocks().isEmpty)
    }

    @Test func aThreadParkedOnAnObjectStopsWhenCancelled() throws {
        let (runtime, a, _) = try Self.lockedRuntime()
        let holder = PyThreadState(runtime: runtime, name: "t1", cancellation: nil, attached: false)
        let held = try holder.lockObject(a)
        let cancellation = Cancellation()
        let outcomes = Outcomes()
        try OSThread.detach(name: "test-t2") {
            let ts = PyThreadState(runtime: runtime, name: "t2", cancellation: cancellation, attached: false)
            do throws(PyError) { _ = try ts.lockObject(a); outcomes.set("t2", nil) } catch { outcomes.set("t2", error) }
        }
        #expect(eventually { Self.waiting(runtime) == 1 })
        cancellation.cancel()
        let ends = try #require(Self.wait(outcomes, 1))
        expectEqual(ends["t2"], .some("KeyboardInterrupt: stopped"))
        expectEqual(a.owner.load(ordering: .relaxed) & ~ObjectLockTable.parked, holder.number)
        holder.unlockObject(a, held)
        expectEqual(Self.waiting(runtime), 0)
    }

    @Test func countsStayExactWithALockPerObject() throws {
        let (runtime, _, _) = try Self.lockedRuntime()
        let py = PyHarness(runtime: runtime)
        expectEqual(py.run("shared = [1, 2, [3]]").error, nil)
        let code = try runtime.compile("def f():\n    for i in range(20000):\n        x = shared\n        y = [x, i]\n        shared.extend([])\nf()")
        for run in 0..<4 {
            let team = try runtime.runTeam(code, count: 2, cancellation: nil)
            #expect(team.threads.allSatisfy { $0.error == nil }, "\(team.threads.compactMap(\.error))")
            let report = py.check()
            expectEqual(report.refcountErrors, 0, "run \(run): \(report.events.map(\.description))")
        }
    }

    @Test func commandsSwitchTheModeAndTheOrderAndBenchEveryMode() {
        let session = Session()
        #expect(session.execute("gil off").succeeded)
        expectEqual(session.execute("gil refcount locked").result.fields["refcount"], .string("locked"))
        expectEqual(session.execute("gil lock-order id").result.fields["lock_order"], .string("id"))
        expectEqual(session.execute("gil lock-order sorted").failure?.kind, .usage)
        let run = session.execute("py --threads 2 --setup 'a = []\\nb = []' 'for i in range(200):\\n    a.extend(b)\\n    b.extend(a)'")
        expectEqual(run.result.fields["deadlocks"], .int(0))
        expectEqual(run.result.fields["errors"], .int(0))
        let bench = session.execute("gil bench --loops 1000")
        #expect(bench.succeeded)
        for mode in RefcountMode.allCases {
            for key in ["\(mode.rawValue)_ns", "\(mode.rawValue)_2threads_ns"] {
                guard case .quantity(let ns, .nanoseconds)? = bench.result.fields[key] else {
                    Issue.record("no figure \(key)")
                    continue
                }
                #expect(ns > 0, "\(key)")
            }
        }
        // The bench runs in interpreters of its own: the session's settings are as they were.
        expectEqual(session.execute("gil").result.fields["refcount"], .string("locked"))
    }

    static func wait(_ outcomes: Outcomes, _ count: Int) -> [String: String?]? { outcomes.wait(for: count) }
}
