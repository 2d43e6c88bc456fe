import Synchronization
import LabCore

/// `iter`, `next`, collecting and unpacking.
extension PyThreadState {
    package func iterate(_ v: PyValue) throws(PyError) -> PyValue {
        guard v.isObject else { throw typeError("'\(typeName(v))' object is not iterable") }
        let o = v.object
        try check(o)
        switch o.kind {
        case .list, .tuple:
            incref(v)
            return allocate(PySeqIterator(sequence: v, id: runtime.heap.newID(), owner: ownerForNew))
        case .str:
            let chars = unsafeDowncast(o, to: PyStr.self).value.unicodeScalars.map { newString(String($0)) }
            return allocate(PySeqIterator(sequence: newTuple(chars), id: runtime.heap.newID(), owner: ownerForNew))
        case .bytes:
            let values = unsafeDowncast(o, to: PyBytes.self).value.map { PyValue.int(Int($0)) }
            return allocate(PySeqIterator(sequence: newTuple(values), id: runtime.heap.newID(), owner: ownerForNew))
        case .dict:
            let keys = unsafeDowncast(o, to: PyDict.self).storage.withLock { $0.entries.compactMap { $0?.key } }
            for k in keys { incref(k) }
            return allocate(PySeqIterator(sequence: newTuple(keys), id: runtime.heap.newID(), owner: ownerForNew))
        case .range:
            let r = unsafeDowncast(o, to: PyRange.self)
            return allocate(PyRangeIterator(start: r.start, stop: r.stop, step: r.step, id: runtime.heap.newID(), owner: ownerForNew))
        case .generator, .rangeIterator, .seqIterator, .lazyIterator:
            incref(v)
            return v
        case .set:
            let members = setOrder(unsafeDowncast(o, to: PySet.self))
            for m in members { incref(m) }
            return allocate(PySeqIterator(sequence: newTuple(members), id: runtime.heap.newID(), owner: ownerForNew))
        case .dictView:
            let items = try dictViewItems(unsafeDowncast(o, to: PyDictView.self))
            return allocate(PySeqIterator(sequence: newTuple(items), id: runtime.heap.newID(), owner: ownerForNew))
        case .instance:
            let inst = unsafeDowncast(o, to: PyInstance.self)
            guard let method = inst.cls.lookup(runtime.names.iterID) else {
                throw typeError("'\(inst.cls.name)' object is not iterable")
            }
            return try call(method, [v])
        default:
            throw typeError("'\(o.typeName)' object is not iterable")
        }
    }

    /// The next value (owned), or nil at the end (StopIteration).
    package func iterNext(_ it: PyValue) throws(PyError) -> PyValue? {
        guard it.isObject else { throw typeError("'\(typeName(it))' object is not an iterator") }
        // The two common iterators first, read without retaining them (see `listIteratorNext`).
        if it.objectKind == .generator { return try resumeUnretained(it) }
        if it.objectKind == .seqIterator, let next = listIteratorNext(it) { return next == .unbound ? nil : next }
        let o = it.object
        try check(o)
        switch o.kind {
        case .rangeIterator:
            let r = unsafeDowncast(o, to: PyRangeIterator.self)
            let n = r.next.load(ordering: .relaxed)
            guard r.step > 0 ? n < r.stop : n > r.stop else { return nil }
            r.next.store(n &+ r.step, ordering: .relaxed)
            return .int(n)
        case .seqIterator:
            let s = unsafeDowncast(o, to: PySeqIterator.self)
            let seq = s.sequence.object
            try check(seq)
            let i = s.index.load(ordering: .relaxed)
            let item: PyValue?
            switch seq.kind {
            case .list: item = unsafeDowncast(seq, to: PyList.self).items.withLock { i < $0.count ? $0[i] : nil }
            case .tuple:
                let items = unsafeDowncast(seq, to: PyTuple.self).items
                item = i < items.count ? items[i] : nil
            default: item = nil
            }
            guard let item else { return nil }
            s.index.store(i + 1, ordering: .relaxed)
            incref(item)
            return item
        case .generator:
            return try resume(unsafeDowncast(o, to: PyGenerator.self))
        case .lazyIterator:
            return try lazyNext(unsafeDowncast(o, to: PyLazyIterator.self))
        case .instance:
            let inst = unsafeDowncast(o, to: PyInstance.self)
            guard let method = inst.cls.lookup(runtime.names.nextID) else {
                throw typeError("'\(inst.cls.name)' object is not an iterator")
            }
            do throws(PyError) {
                return try call(method, [it])
            } catch {
                if error.type.isSubclass(of: runtime.classes.stopIteration) {
                    var e = error
                    releaseInstance(&e)
                    return nil
                }
                throw error
            }
        default:
            throw typeError("'\(o.typeName)' object is not an iterator")
        }
    }

    /// `resume` of the generator `it` without retaining it: its caller's reference keeps it alive.
    @inline(__always) func resumeUnretained(_ it: PyValue) throws(PyError) -> PyValue? {
        var failure: PyError?
        let next = it.unmanaged._withUnsafeGuaranteedRef { o -> PyValue? in
            do throws(PyError) {
                return try resume(unsafeDowncast(o, to: PyGenerator.self))
            } catch {
                failure = error
                return nil
            }
        }
        if let failure { throw failure }
        return next
    }

    /// Every value of an iterable (owned references).
    package func collect(_ iterable: PyValue, limit: Int? = nil) throws(PyError) -> [PyValue] {
        let limit = limit ?? runtime.limits.listItems
        if iterable.isObject {
            let o = iterable.object
            try check(o)
            if o.kind == .list || o.kind == .tuple {
                let items = sequenceItems(o)
                for v in items { incref(v) }
                return items
            }
        }
        let it = try iterate(iterable)
        defer { decref(it) }
        var items: [PyValue] = []
        do throws(PyError) {
            while let v = try iterNext(it) {
                items.append(v)
                if items.count > limit { throw memoryError(runtime.limits.listMessage) }
            }
        } catch {
            for v in items { decref(v) }
            throw error
        }
        return items
    }

    package func unpack(_ v: PyValue, count: Int) throws(PyError) -> [PyValue] {
        let items = try collect(v, limit: count + 1)
        guard items.count == count else {
            for x in items { decref(x) }
            if items.count > count { throw valueError("too many values to unpack (expected \(count))") }
            throw valueError("not enough values to unpack (expected \(count), got \(items.count))")
        }
        return items
    }
}
