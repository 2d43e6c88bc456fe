import LabOS
import Synchronization
import LabCore

/// A misuse of freed memory the checked heap caught.
package struct HeapEvent: Sendable, Equatable {
    package enum Kind: String, Sendable { case useAfterFree = "use after free", doubleFree = "double free", freedWhileReferenced = "freed while referenced", countTooHigh = "count too high", countTooLow = "count too low" }
    package var kind: Kind
    package var objectID: Int
    package var typeName: String
    package var freedBy: String
    package var touchedBy: String
    package var detail: String

    package var description: String {
        var text = "\(kind.rawValue): \(typeName) #\(objectID)"
        if !freedBy.isEmpty { text += ", freed by \(freedBy)" }
        if !touchedBy.isEmpty { text += ", touched by \(touchedBy)" }
        if !detail.isEmpty { text += " (\(detail))" }
        return text
    }
}

/// What a heap check found.
package struct HeapReport: Sendable, Equatable {
    package var checkedObjects = 0
    package var freedWhileReferenced = 0
    package var countTooHigh = 0
    package var countTooLow = 0
    package var useAfterFree = 0
    package var released = 0
    package var events: [HeapEvent] = []

    /// Objects whose count went wrong in any way (each counted once).
    package var refcountErrors = 0

    package init(checkedObjects: Int = 0, freedWhileReferenced: Int = 0, countTooHigh: Int = 0, countTooLow: Int = 0, useAfterFree: Int = 0, released: Int = 0, events: [HeapEvent] = [], refcountErrors: Int = 0) {
        self.checkedObjects = checkedObjects
        self.freedWhileReferenced = freedWhileReferenced
        self.countTooHigh = countTooHigh
        self.countTooLow = countTooLow
        self.useAfterFree = useAfterFree
        self.released = released
        self.events = events
        self.refcountErrors = refcountErrors
    }
}

/// The checked heap. Objects are Swift objects whose memory Swift keeps valid; the interpreter's own
/// reference counts decide when an object is *freed* in the Python sense. When the GIL is off a freed object
/// is poisoned and quarantined, not released: a thread that still holds it (because a count update was
/// lost) finds the poison and the heap reports the use — object number and type, the thread that freed it
/// and the thread that touched it — instead of reading reused memory. Quarantined objects are released at
/// the next check, once nothing reachable refers to them.
package final class PyHeap: Sendable {
    package let ids = Atomic<Int>(0)
    /// Totals of objects allocated and freed, by threads that finished (each thread counts its own until then).
    package let allocated = Atomic<Int>(0)
    package let freed = Atomic<Int>(0)
    private let immortals = Locked<[PyObject]>([])
    private let quarantine = Locked<[Unmanaged<PyObject>]>([])
    /// Freed objects found still referenced: kept (poisoned) until nothing refers to them.
    private let graveyard = Locked<[Unmanaged<PyObject>]>([])
    private let eventLog = Locked<[HeapEvent]>([])
    package let eventCount = Atomic<Int>(0)
    package let useAfterFreeCount = Atomic<Int>(0)
    /// Thread numbers → names, for reports.
    package let threadNames = Locked<[Int: String]>([:])

    package func newID() -> Int { ids.add(1, ordering: .relaxed).newValue }

    package func immortal(_ object: PyObject) -> PyValue {
        immortals.withLock { $0.append(object) }
        return .object(Unmanaged.passUnretained(object))
    }

    package func quarantine(_ object: Unmanaged<PyObject>) {
        quarantine.withLock { $0.append(object) }
    }

    /// How many thread names the heap keeps for its reports: every `py` runs on a new thread state, so keeping all
    /// of them grew the shell by about 150 bytes a command for good. An object freed by a thread older than the
    /// last `nameLimit` is reported as "thread N".
    package static let nameLimit = 4096

    package func remember(thread number: Int, name: String) {
        threadNames.withLock { names in
            names[number] = name
            // Thread numbers only grow: drop the oldest in batches, so the bound costs nothing per thread.
            if names.count > 2 * Self.nameLimit { names = names.filter { $0.key > number - Self.nameLimit } }
        }
    }

    package func name(of thread: Int) -> String {
        if thread == 0 { return "" }
        return threadNames.withLock { $0[thread] } ?? "thread \(thread)"
    }

    package func record(_ event: HeapEvent) {
        eventCount.add(1, ordering: .relaxed)
        if event.kind == .doubleFree { useAfterFreeCount.add(1, ordering: .relaxed) }
        eventLog.withLock { log in if log.count < 200 { log.append(event) } }
    }

    /// Takes the events recorded since the last call.
    package func takeEvents() -> [HeapEvent] { eventLog.withLock { log in defer { log = [] }; return log } }

    /// Every object reachable from the globals, each with the number of references found to it.
    private func trace(runtime: PyRuntime) -> [ObjectIdentifier: (object: PyObject, found: Int)] {
        var found: [ObjectIdentifier: (object: PyObject, found: Int)] = [:]
        var pending: [PyObject] = []
        func visit(_ value: PyValue) {
            guard value.isObject else { return }
            let o = value.object
            if o.immortal { return }
            let key = ObjectIdentifier(o)
            if let entry = found[key] {
                found[key] = (entry.object, entry.found + 1)
            } else {
                found[key] = (o, 1)
                if !o.isFreed { pending.append(o) }
            }
        }
        for slot in 0..<runtime.globalCount { visit(runtime.globals.load(slot)) }
        while let o = pending.popLast() {
            for r in o.references() { visit(r) }
        }
        return found
    }

    /// Compares every reachable object's recorded count with the references found to it (and corrects it),
    /// reports freed objects still referenced (they stay poisoned), and releases quarantined objects nothing
    /// refers to. Call with no snippet thread running.
    package func check(runtime: PyRuntime) -> HeapReport {
        var report = HeapReport()
        let reached = trace(runtime: runtime)
        report.checkedObjects = reached.count
        var events: [HeapEvent] = []
        for (_, entry) in reached {
            let o = entry.object
            if o.isFreed {
                report.freedWhileReferenced += 1
                events.append(HeapEvent(kind: .freedWhileReferenced, objectID: o.id, typeName: o.typeName,
                                        freedBy: name(of: o.freedBy.load(ordering: .relaxed)), touchedBy: "",
                                        detail: "\(entry.found) reference\(entry.found == 1 ? "" : "s") left"))
                continue
            }
            let recorded = o.totalCount
            if recorded != entry.found {
                // Set it right (the trace found every reference), so a later free cannot strand a reference
                // — with the GIL on, freed memory is released at once.
                o.shared.store(entry.found, ordering: .relaxed)
                o.local.store(0, ordering: .relaxed)
                o.owner.store(0, ordering: .relaxed)
            }
            if recorded > entry.found {
                report.countTooHigh += 1
                events.append(HeapEvent(kind: .countTooHigh, objectID: o.id, typeName: o.typeName, freedBy: "", touchedBy: "",
                                        detail: "count \(recorded), \(entry.found) reference\(entry.found == 1 ? "" : "s"): it would never be freed"))
            } else if recorded < entry.found {
                report.countTooLow += 1
                events.append(HeapEvent(kind: .countTooLow, objectID: o.id, typeName: o.typeName, freedBy: "", touchedBy: "",
                                        detail: "count \(recorded), \(entry.found) references: it will be freed while still in use"))
            }
        }
        events.sort { $0.objectID < $1.objectID }
        // Release what nothing reachable refers to; keep the rest poisoned.
        var candidates = quarantine.withLock { q in defer { q = [] }; return q }
        candidates += graveyard.withLock { g in defer { g = [] }; return g }
        var kept: [Unmanaged<PyObject>] = []
        for u in candidates {
            if reached[ObjectIdentifier(u.takeUnretainedValue())] != nil { kept.append(u) } else { u.release(); report.released += 1 }
        }
        graveyard.withLock { $0 += kept }
        let logged = takeEvents()
        report.useAfterFree = useAfterFreeCount.exchange(0, ordering: .relaxed)
        report.events = logged + events
        report.refcountErrors = Set(report.events.map(\.objectID)).count
        return report
    }

    /// Turns every reachable object's count into one shared count (before the refcount mode changes).
    package func normalize(runtime: PyRuntime) {
        for (_, entry) in trace(runtime: runtime) where !entry.object.isFreed {
            let o = entry.object
            o.shared.store(o.totalCount, ordering: .relaxed)
            o.local.store(0, ordering: .relaxed)
            o.owner.store(0, ordering: .relaxed)
        }
    }

    /// After `py reset`: the graveyard's objects can no longer be reached.
    package func forgetGraveyard() {
        let dead = graveyard.withLock { g in defer { g = [] }; return g }
        for u in dead { u.release() }
    }
}
