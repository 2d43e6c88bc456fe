import Synchronization
import LabCore

extension PyThreadState {
    /// Takes a new reference to `value` (nothing to do for ints, None, booleans and built-ins).
    @inline(__always) package func incref(_ value: PyValue) {
        if value.isObject { value.unmanaged._withUnsafeGuaranteedRef { increfObject($0) } }
    }

    /// Drops a reference; frees the object when it was the last.
    @inline(__always) package func decref(_ value: PyValue) {
        if value.isObject { value.unmanaged._withUnsafeGuaranteedRef { decrefObject($0) } }
    }

    @inline(__always) package func increfObject(_ o: PyObject) {
        if o.immortal { return }
        switch mode {
        case .plain:
            RacyRefcount.increment(o.shared)
        case .atomic:
            o.shared.add(1, ordering: .relaxed)
        case .biased:
            if o.owner.load(ordering: .relaxed) == number {
                o.local.store(o.local.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
            } else {
                o.shared.add(1, ordering: .relaxed)
            }
        case .locked:
            let taken = lockForCount(o)
            if case .gaveUp = taken { o.shared.add(1, ordering: .relaxed) } else {
                o.shared.store(o.shared.load(ordering: .relaxed) &+ 1, ordering: .relaxed)  // exact: under the object's lock
            }
            unlockObject(o, taken)
        }
        if o.freedBy.load(ordering: .relaxed) != 0 { reportTouch(o, "reference taken") }
    }

    @inline(__always) package func decrefObject(_ o: PyObject) {
        if o.immortal { return }
        if o.freedBy.load(ordering: .relaxed) != 0 {
            // Dropping a dangling reference between runs (a global rebound later) is cleanup, not a new use.
            if attached { reportTouch(o, "reference dropped") }
            return
        }
        switch mode {
        case .plain:
            if RacyRefcount.decrement(o.shared) == 0 { free(o) }
        case .atomic:
            if o.shared.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { free(o) }
        case .biased:
            if o.owner.load(ordering: .relaxed) == number {
                let left = o.local.load(ordering: .relaxed) &- 1
                o.local.store(left, ordering: .relaxed)
                if left == 0 {
                    // The owner's part is gone: merge. If nobody else counts it either, it is dead.
                    if o.shared.load(ordering: .acquiring) == 0 {
                        free(o)
                    } else {
                        o.owner.store(0, ordering: .releasing)
                    }
                }
            } else {
                let left = o.shared.subtract(1, ordering: .acquiringAndReleasing).newValue
                if o.owner.load(ordering: .acquiring) == 0 {
                    if left == 0 { free(o) }
                } else if left <= 0 {
                    // Another thread's part may hold the rest: leave the decision to the next safe point.
                    deferMerge(o)
                }
            }
        case .locked:
            let taken = lockForCount(o)
            let left: Int
            if case .gaveUp = taken { left = o.shared.subtract(1, ordering: .acquiringAndReleasing).newValue } else {
                left = o.shared.load(ordering: .relaxed) &- 1
                o.shared.store(left, ordering: .relaxed)
            }
            unlockObject(o, taken)
            if left == 0 { free(o) }
        }
    }

    /// At a safe point (no snippet thread running): a biased object a non-owner released.
    package func mergeBiased(_ o: PyObject) {
        o.mergeQueued.store(false, ordering: .relaxed)
        if o.isFreed || o.immortal { return }
        let total = o.totalCount
        if total <= 0 {
            free(o)
        } else {
            o.shared.store(total, ordering: .relaxed)
            o.local.store(0, ordering: .relaxed)
            o.owner.store(0, ordering: .relaxed)
        }
    }

    /// The count reached zero: poison the object, release what it holds, and release (or, with the GIL off,
    /// quarantine) its memory. What it holds is dropped by a loop, not by recursion (CPython's "trashcan" does the
    /// same): freeing a list nested 50,000 deep would otherwise take 50,000 stack frames and overflow the stack.
    @inline(never) package func free(_ o: PyObject) {
        if o.kind == .generator, finalize(unsafeDowncast(o, to: PyGenerator.self)) { return }
        // With the GIL off two threads may free one object at once (a count update was lost): one compare-and-swap
        // decides which freed it. With the GIL on only its holder frees, so a load and a store do.
        let previous = quarantines
            ? o.freedBy.compareExchange(expected: 0, desired: number, ordering: .acquiringAndReleasing).original
            : o.freedBy.load(ordering: .relaxed)
        guard previous == 0 else {
            runtime.heap.record(HeapEvent(kind: .doubleFree, objectID: o.id, typeName: o.typeName,
                                          freedBy: runtime.heap.name(of: previous), touchedBy: name, detail: "freed twice"))
            return
        }
        if !quarantines { o.freedBy.store(number, ordering: .releasing) }
        freedHere &+= 1
        let u = Unmanaged.passUnretained(o)
        if o.kind == .float || o.kind == .str || o.kind == .bigint || o.kind == .bytes {
            // A leaf holds no references: nothing to drop after it.
            if o.kind == .float && !quarantines && floatPoolCount < Self.floatPoolLimit {
                floatPool[floatPoolCount] = Unmanaged.passUnretained(unsafeDowncast(o, to: PyFloat.self))
                floatPoolCount += 1
                return
            }
            if quarantines { runtime.heap.quarantine(u) } else { u.release() }
            return
        }
        let references = o.takeReferences()
        if quarantines { runtime.heap.quarantine(u) } else { u.release() }
        if releasing {
            pendingReleases.append(contentsOf: references)
            return
        }
        releasing = true
        defer { releasing = false }
        for r in references { decref(r) }
        while let r = pendingReleases.popLast() { decref(r) }
    }

    /// A generator paused at a `yield` lost its last reference (`for x in gen(): break`, a name rebound): as CPython
    /// does (PEP 442), it is closed before it goes, so GeneratorExit is raised at that `yield` and its `finally`
    /// blocks and `with` exits run. For that it lives again with a count of one, then that reference is dropped,
    /// which frees it for good (unless the `finally` stored it somewhere). An error out of the close is reported the
    /// way CPython reports one it cannot raise anywhere ("Exception ignored in"). Only a thread attached to the
    /// runtime runs it: the cleanup between runs runs no Python code. True when the generator was closed here.
    private func finalize(_ gen: PyGenerator) -> Bool {
        guard attached, !gen.isFreed, PyGenerator.Phase(rawValue: gen.phase.load(ordering: .acquiring)) == .suspended,
              !gen.finalized.exchange(true, ordering: .acquiringAndReleasing) else { return false }
        gen.owner.store(0, ordering: .relaxed)
        gen.local.store(0, ordering: .relaxed)
        gen.shared.store(1, ordering: .releasing)
        do throws(PyError) {
            try closeGenerator(gen)
        } catch {
            var e = error
            if !e.type.isSubclass(of: runtime.classes.keyboardInterrupt) {
                write("Exception ignored in: <generator object \(gen.name) #\(gen.id)>\n\(e.type.name): \(e.message)\n")
            }
            releaseInstance(&e)
        }
        decrefObject(gen)
        return true
    }

    @inline(never) package func reportTouch(_ o: PyObject, _ what: String) {
        runtime.heap.useAfterFreeCount.add(1, ordering: .relaxed)
        // One report per object is enough to name who freed it and who touched it; later uses are only counted.
        guard !o.touchReported.exchange(true, ordering: .relaxed) else { return }
        runtime.heap.record(HeapEvent(kind: .useAfterFree, objectID: o.id, typeName: o.typeName,
                                      freedBy: runtime.heap.name(of: o.freedBy.load(ordering: .relaxed)), touchedBy: name,
                                      detail: what + currentLineText))
    }

    /// Throws when `o` was freed: the checked heap's answer to a use after free.
    @inline(__always) package func check(_ o: PyObject) throws(PyError) {
        if o.freedBy.load(ordering: .relaxed) != 0 { try useAfterFree(o) }
    }

    package func useAfterFree(_ o: PyObject) throws(PyError) {
        reportTouch(o, "used")
        throw error(runtime.classes.heapError,
                    "\(o.typeName) #\(o.id) was freed by \(runtime.heap.name(of: o.freedBy.load(ordering: .relaxed))) and then used by \(name): a reference count update was lost")
    }
}
