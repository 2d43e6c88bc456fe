import LabOS
import Synchronization
import LabCore

/// `gil refcount locked`: one lock per object instead of the GIL — the design the GIL's defenders warn about.
///
/// Every reference-count update takes the object's own lock, and `list.extend(other)` holds both lists' locks while it
/// copies. Each lock is a real mutex in the style of `os_unfair_lock`: the object's lock word (its `owner` field, which
/// only the biased mode uses otherwise) holds the number of the thread that holds it, 0 when free; taking it is one
/// compare-and-swap, releasing it one exchange. A thread that finds it taken spins a little, then parks on the runtime's
/// `ObjectLockTable` (one condition variable for all objects, like WebKit's and Rust's parking lots) after setting the
/// word's `parked` bit, so the release knows to wake it. So the cost the learner measures is a real lock's.
///
/// Taking two locks in the order a call names them (`a.extend(b)`: `a`'s, then `b`'s) deadlocks when another thread
/// runs `b.extend(a)`. A thread about to park first builds the wait-for graph of parked threads (LabCore's
/// `WaitForGraph`: each one waits for an object whose lock word names its holder) and, when it closes a cycle, records
/// it and makes every thread of the cycle give up with a RuntimeError naming it, as CPython's import locks do. Parked
/// threads also wake for Ctrl-C and `thread cancel`. `gil lock-order id` takes the lock of the object with the smaller id
/// first, whatever the call's order: one global order, no cycle.
package final class ObjectLockTable: Sendable {
    package struct Waiter: Sendable {
        package var thread: String
        package var object: Unmanaged<PyObject>
        /// Whether its acquire can fail (a container operation can raise; a reference-count update cannot).
        package var canFail: Bool
    }

    package struct State: Sendable {
        /// Parked threads by thread number.
        package var waiting: [Int: Waiter] = [:]
        /// Threads told to give up: a cycle they are in was found.
        package var victims: [Int: String] = [:]
        /// Every cycle found since the last `takeDeadlocks()`.
        package var deadlocks: [String] = []
    }

    package let gate = Gate(State())

    /// The bit of a lock word that says a thread may be parked waiting for it.
    package static let parked = 1 << 56

    package init() {}

    /// The cycles found since the last call, and forgets them.
    package func takeDeadlocks() -> [String] {
        gate.update { s in defer { s.deadlocks = [] }; return s.deadlocks }
    }
}

/// How a thread got an object's lock.
package enum ObjectLockTaken {
    /// It took it: it must release it.
    case taken
    /// It already held it (a list extended by itself, an item that is its own container): nothing to release.
    case alreadyHeld
    /// It gave up waiting without the lock (a reference-count update in a found cycle or a cancelled run).
    case gaveUp
}

/// The order `list.extend` takes its two lists' locks in (`gil lock-order …`).
public enum ObjectLockOrder: String, Sendable, CaseIterable {
    /// The receiver's, then the argument's: the order the call names them. Two calls naming them the other way round
    /// deadlock.
    case call
    /// The object with the smaller id first: one global order, so no cycle can form.
    case id
}

extension PyThreadState {
    private var lockTable: ObjectLockTable { runtime.objectLocks }

    /// Locks `o` for a reference-count update; returns what to do afterwards (release unless held already).
    @inline(__always) package func lockForCount(_ o: PyObject) -> ObjectLockTaken {
        if o.owner.compareExchange(expected: 0, desired: number, ordering: .acquiring).exchanged { return .taken }
        do throws(PyError) { return try lockObjectSlow(o, canFail: false) } catch { return .gaveUp }
    }

    /// Takes `o`'s lock for an operation that may raise: a RuntimeError when waiting would close a cycle, a
    /// KeyboardInterrupt when the run is stopped.
    package func lockObject(_ o: PyObject) throws(PyError) -> ObjectLockTaken {
        if o.owner.compareExchange(expected: 0, desired: number, ordering: .acquiring).exchanged { return .taken }
        return try lockObjectSlow(o, canFail: true)
    }

    @inline(__always) package func unlockObject(_ o: PyObject, _ taken: ObjectLockTaken) {
        guard case .taken = taken else { return }
        if o.owner.exchange(0, ordering: .releasing) & ObjectLockTable.parked != 0 { lockTable.gate.update { _ in } }
    }

    @inline(never) private func lockObjectSlow(_ o: PyObject, canFail: Bool) throws(PyError) -> ObjectLockTaken {
        let parked = ObjectLockTable.parked
        if o.owner.load(ordering: .relaxed) & ~parked == number { return .alreadyHeld }
        // A holder usually lets go within a few instructions: try a little before sleeping.
        for _ in 0..<64 where o.owner.load(ordering: .relaxed) == 0 {
            if o.owner.compareExchange(expected: 0, desired: number, ordering: .acquiring).exchanged { return .taken }
        }
        enum Step { case taken, stopped, gaveUp, deadlock(String), wakeOthers }
        let table = lockTable
        let me = number
        let myName = name
        let stop = self.stop
        let heap = runtime.heap
        while true {
            let step: Step? = stop.wakingOnCancel({ table.gate.update { _ in } }) {
                table.gate.wait { s -> Step? in
                    func leave() { s.waiting[me] = nil }
                    if let cycle = s.victims.removeValue(forKey: me) {
                        leave()
                        return canFail ? .deadlock(cycle) : .gaveUp
                    }
                    // Take it if free; otherwise make sure the holder's release will wake us.
                    while true {
                        let word = o.owner.load(ordering: .acquiring)
                        if word == 0 {
                            // Taken with the parked bit set: others may still be parked, and its release must wake them.
                            if o.owner.compareExchange(expected: 0, desired: me | parked, ordering: .acquiring).exchanged {
                                leave()
                                return .taken
                            }
                        } else if word & parked != 0 || o.owner.compareExchange(expected: word, desired: word | parked, ordering: .relaxed).exchanged {
                            break
                        }
                    }
                    if stop.isCancelled {
                        leave()
                        return canFail ? .stopped : .gaveUp
                    }
                    if s.waiting[me] == nil {
                        s.waiting[me] = ObjectLockTable.Waiter(thread: myName, object: Unmanaged.passUnretained(o), canFail: canFail)
                        if let cycle = Self.cycle(through: myName, in: s, heap: heap) {
                            s.deadlocks.append(cycle.description)
                            for (number, waiter) in s.waiting where cycle.threads.contains(waiter.thread) && number != me {
                                s.victims[number] = cycle.description
                            }
                            if canFail {
                                leave()
                                return .deadlock(cycle.description)
                            }
                            return .wakeOthers  // stays registered: the cycle is not found twice
                        }
                    }
                    return nil
                }
            }
            switch step {
            case .taken?: return .taken
            case .stopped?: throw error(runtime.classes.keyboardInterrupt, "stopped")
            case .gaveUp?: return .gaveUp
            case .deadlock(let text)?:
                table.gate.update { _ in }  // wake the other threads of the cycle: they give up too
                throw error(runtime.classes.runtimeError, "deadlock detected: \(text)")
            case .wakeOthers?:
                // This thread cannot fail (a count update): the others of the cycle give up; it waits on.
                table.gate.update { _ in }
            case nil: break
            }
        }
    }

    /// The cycle of parked threads `thread` is in, if any: each waits for an object whose lock word names its holder.
    private static func cycle(through thread: String, in s: ObjectLockTable.State, heap: PyHeap) -> WaitForGraph.Cycle? {
        let edges = s.waiting.values.map { w -> WaitForGraph.Edge in
            let o = w.object.takeUnretainedValue()
            let holder = o.owner.load(ordering: .acquiring) & ~ObjectLockTable.parked
            return WaitForGraph.Edge(waiter: w.thread, lock: "\(o.typeName) #\(o.id)", holder: holder == 0 ? "" : heap.name(of: holder))
        }
        return WaitForGraph(edges: edges).cycles.first { $0.threads.contains(thread) }
    }

    /// `list.extend(other)` with one lock per object: both lists' locks held while the items are copied, taken in the
    /// order `gil lock-order` says.
    package func extendLocked(_ list: PyList, with other: PyList) throws(PyError) {
        try check(other)
        let (first, second): (PyList, PyList) = lockOrder == .id && other.id < list.id ? (other, list) : (list, other)
        let outer = try lockObject(first)
        let inner: ObjectLockTaken
        do { inner = try lockObject(second) } catch {
            unlockObject(first, outer)
            throw error
        }
        defer {
            unlockObject(second, inner)
            unlockObject(first, outer)
        }
        let items = other.items.withLock { $0 }
        guard list.items.withLock({ $0.count }) + items.count <= runtime.limits.listItems else { throw memoryError(runtime.limits.listMessage) }
        for v in items { incref(v) }
        list.items.withLock { $0 += items }
    }
}
