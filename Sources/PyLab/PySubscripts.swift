import LabCore

/// Indexing, slicing, storing and deleting items.
extension PyThreadState {
    package func normalizeIndex(_ index: PyValue, count: Int, what: String) throws(PyError) -> Int {
        guard let i = asInt(index) else {
            if index.isObject, index.objectKind == .bigint { throw error(runtime.classes.indexError, "cannot fit 'int' into an index-sized integer") }
            throw typeError("\(what) indices must be integers or slices, not \(typeName(index))")
        }
        let j = i < 0 ? i + count : i
        guard j >= 0 && j < count else { throw error(runtime.classes.indexError, "\(what) index out of range") }
        return j
    }

    package func getItem(_ obj: PyValue, _ index: PyValue) throws(PyError) -> PyValue {
        guard obj.isObject else { throw typeError("'\(typeName(obj))' object is not subscriptable") }
        let o = obj.object
        try check(o)
        let slice: PySlice? = index.isObject && index.object.kind == .slice ? unsafeDowncast(index.object, to: PySlice.self) : nil
        switch o.kind {
        case .list:
            let list = unsafeDowncast(o, to: PyList.self)
            if let slice {
                let items = list.items.withLock { items in slice.indices(count: items.count).map { items[$0] } }
                for v in items { incref(v) }
                return newList(items)
            }
            var failure: PyError?
            let v = list.items.withLock { items -> PyValue in
                do throws(PyError) {
                    let i = try normalizeIndex(index, count: items.count, what: "list")
                    incref(items[i])
                    return items[i]
                } catch {
                    failure = error
                    return .none
                }
            }
            if let failure { throw failure }
            return v
        case .tuple:
            let items = unsafeDowncast(o, to: PyTuple.self).items
            if let slice {
                let picked = slice.indices(count: items.count).map { items[$0] }
                for v in picked { incref(v) }
                return newTuple(picked)
            }
            let v = items[try normalizeIndex(index, count: items.count, what: "tuple")]
            incref(v)
            return v
        case .str:
            // By code point, as CPython indexes (not by Swift's grapheme clusters).
            let chars = Array(unsafeDowncast(o, to: PyStr.self).value.unicodeScalars)
            if let slice { return newString(String(String.UnicodeScalarView(slice.indices(count: chars.count).map { chars[$0] }))) }
            return newString(String(chars[try normalizeIndex(index, count: chars.count, what: "string")]))
        case .bytes:
            return try bytesItem(unsafeDowncast(o, to: PyBytes.self).value, index)
        case .range:
            let r = unsafeDowncast(o, to: PyRange.self)
            let i = try normalizeIndex(index, count: r.count, what: "range object")
            return try int(r.start + i * r.step)
        case .dict:
            guard let v = try dictGet(unsafeDowncast(o, to: PyDict.self), index) else {
                throw try keyError(index)
            }
            return v
        case .instance:
            if let m = unsafeDowncast(o, to: PyInstance.self).cls.lookup(runtime.intern("__getitem__")) { return try call(m, [obj, index]) }
            throw typeError("'\(o.typeName)' object is not subscriptable")
        default:
            throw typeError("'\(o.typeName)' object is not subscriptable")
        }
    }

    /// `obj[index] = value`; takes over `value`'s reference on success.
    package func storeSubscript(_ obj: PyValue, _ index: PyValue, _ value: PyValue) throws(PyError) {
        guard obj.isObject else { throw typeError("'\(typeName(obj))' object does not support item assignment") }
        let o = obj.object
        try check(o)
        switch o.kind {
        case .list:
            var failure: PyError?
            let old = unsafeDowncast(o, to: PyList.self).items.withLock { items -> PyValue in
                do throws(PyError) {
                    let i = try normalizeIndex(index, count: items.count, what: "list assignment")
                    let old = items[i]
                    items[i] = value
                    return old
                } catch {
                    failure = error
                    return .none
                }
            }
            if let failure { throw failure }
            decref(old)
        case .dict:
            try dictSet(unsafeDowncast(o, to: PyDict.self), index, value)
            decref(value)
        case .instance:
            guard let m = unsafeDowncast(o, to: PyInstance.self).cls.lookup(runtime.intern("__setitem__")) else {
                throw typeError("'\(o.typeName)' object does not support item assignment")
            }
            decref(try call(m, [obj, index, value]))
            decref(value)
        default:
            throw typeError("'\(o.typeName)' object does not support item assignment")
        }
    }

    package func deleteSubscript(_ obj: PyValue, _ index: PyValue) throws(PyError) {
        guard obj.isObject else { throw typeError("'\(typeName(obj))' object does not support item deletion") }
        let o = obj.object
        try check(o)
        switch o.kind {
        case .list:
            var failure: PyError?
            let old = unsafeDowncast(o, to: PyList.self).items.withLock { items -> PyValue in
                do throws(PyError) {
                    let i = try normalizeIndex(index, count: items.count, what: "list assignment")
                    return items.remove(at: i)
                } catch {
                    failure = error
                    return .none
                }
            }
            if let failure { throw failure }
            decref(old)
        case .dict:
            let key = try dictKey(index)
            let removed = unsafeDowncast(o, to: PyDict.self).storage.withLock { s -> (PyValue, PyValue)? in
                guard let i = s.keys[key], let e = s.entries[i] else { return nil }
                s.keys[key] = nil
                s.entries[i] = nil
                return (e.key, e.value)
            }
            guard let removed else { throw try keyError(index) }
            decref(removed.0)
            decref(removed.1)
        case .instance:
            guard let m = unsafeDowncast(o, to: PyInstance.self).cls.lookup(runtime.intern("__delitem__")) else {
                throw typeError("'\(o.typeName)' object does not support item deletion")
            }
            decref(try call(m, [obj, index]))
        default:
            throw typeError("'\(o.typeName)' object does not support item deletion")
        }
    }

    package func makeSlice(_ a: PyValue, _ b: PyValue, _ c: PyValue) throws(PyError) -> PyValue {
        func part(_ v: PyValue) throws(PyError) -> Int? {
            if v == .none { return nil }
            guard let i = asInt(v) else { throw typeError("slice indices must be integers or None") }
            return i
        }
        let step = try part(c)
        if step == 0 { throw valueError("slice step cannot be zero") }
        return allocate(PySlice(start: try part(a), stop: try part(b), step: step, id: runtime.heap.newID(), owner: ownerForNew))
    }

    /// LIST_EXTEND: appends the items of a list or tuple (borrowed) to `list`.
    package func extendList(_ list: PyList, with iterable: PyValue) throws(PyError) {
        // Any iterable (`[*range(3), 4]`), a new reference per item.
        let items = try collect(iterable)
        let have = list.items.withLock { $0.count }
        guard have + items.count <= runtime.limits.listItems else {
            for v in items { decref(v) }
            throw memoryError(runtime.limits.listMessage)
        }
        list.items.withLock { $0 += items }
    }
}
