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
            let count = unsafeDowncast(o, to: PyDict.self).storage.withLock { $0.count }
            incref(v)
            return allocate(PySeqIterator(sequence: v, count: count, dictPart: .keys, id: runtime.heap.newID(), owner: ownerForNew))
        case .range:
            let r = unsafeDowncast(o, to: PyRange.self)
            return allocate(PyRangeIterator(start: r.start, stop: r.stop, step: r.step, id: runtime.heap.newID(), owner: ownerForNew))
        case .generator, .rangeIterator, .seqIterator, .lazyIterator:
            incref(v)
            return v
        case .cls:
            if let items = try classHook(v, "_conclab_class_iter", []) {
                defer { decref(items) }
                return try iterate(items)
            }
            throw typeError("'type' object is not iterable")
        case .set:
            let members = setOrder(unsafeDowncast(o, to: PySet.self))
            for m in members { incref(m) }
            incref(v)
            return allocate(PySeqIterator(sequence: newTuple(members), watching: v, count: members.count, id: runtime.heap.newID(),
                                          owner: ownerForNew))
        case .dictView:
            let view = unsafeDowncast(o, to: PyDictView.self)
            guard view.dict.isObject, view.dict.objectKind == .dict else { return try iterate(newTuple([])) }
            let count = unsafeDowncast(view.dict.object, to: PyDict.self).storage.withLock { $0.count }
            incref(view.dict)
            return allocate(PySeqIterator(sequence: view.dict, count: count, dictPart: view.flavor, id: runtime.heap.newID(),
                                          owner: ownerForNew))
        case .instance:
            let inst = unsafeDowncast(o, to: PyInstance.self)
            guard let method = inst.cls.lookup(runtime.names.iterID) else {
                if inst.cls.lookup(runtime.intern("__getitem__")) != nil {
                    incref(v)
                    return allocate(PyLazyIterator(.sequence, function: v, sources: [], id: runtime.heap.newID(), owner: ownerForNew))
                }
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
            if s.watched != .none { try checkSize(s) }
            let seq = s.sequence.object
            try check(seq)
            let i = s.index.load(ordering: .relaxed)
            let item: PyValue?
            switch seq.kind {
            case .list: item = unsafeDowncast(seq, to: PyList.self).items.withLock { i < $0.count ? $0[i] : nil }
            case .tuple:
                let items = unsafeDowncast(seq, to: PyTuple.self).items
                item = i < items.count ? items[i] : nil
            case .dict: return try dictNext(s, unsafeDowncast(seq, to: PyDict.self))
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

    /// The next key, value or (key, value) of a dict iterator, read from the dict now (a value changed during the
    /// loop is seen, as in CPython); a change of size, or more entries than the dict had, is CPython's RuntimeError.
    private func dictNext(_ s: PySeqIterator, _ d: PyDict) throws(PyError) -> PyValue? {
        let (entry, count) = d.storage.withLock { st -> ((key: PyValue, value: PyValue)?, Int) in
            var i = s.index.load(ordering: .relaxed)
            while i < st.entries.count {
                if let e = st.entries[i] {
                    s.index.store(i + 1, ordering: .relaxed)
                    return (e, st.count)
                }
                i += 1
            }
            s.index.store(i, ordering: .relaxed)
            return (nil, st.count)
        }
        if count != s.watchedCount { throw error(runtime.classes.runtimeError, "dictionary changed size during iteration") }
        guard let entry else { return nil }
        if s.given.wrappingAdd(1, ordering: .relaxed).oldValue >= s.watchedCount {
            throw error(runtime.classes.runtimeError, "dictionary keys changed during iteration")
        }
        switch s.dictPart ?? .keys {
        case .keys:
            incref(entry.key)
            return entry.key
        case .values:
            incref(entry.value)
            return entry.value
        case .items:
            incref(entry.key)
            incref(entry.value)
            return newTuple([entry.key, entry.value])
        }
    }

    /// The RuntimeError of a set iterator whose set changed size since the iterator was made.
    private func checkSize(_ s: PySeqIterator) throws(PyError) {
        let o = s.watched.object
        if o.kind == .set, unsafeDowncast(o, to: PySet.self).storage.withLock({ $0.count }) != s.watchedCount {
            throw error(runtime.classes.runtimeError, "Set changed size during iteration")
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
