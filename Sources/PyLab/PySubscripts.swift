import LabCore

/// Indexing, slicing, storing and deleting items.
extension PyThreadState {
    package func normalizeIndex(_ index: PyValue, count: Int, what: String) throws(PyError) -> Int {
        guard let i = asInt(index) else {
            if index.isObject, index.objectKind == .bigint { throw error(runtime.classes.indexError, "cannot fit 'int' into an index-sized integer") }
            // CPython 3.11's str alone words it differently.
            if what == "string" { throw typeError("string indices must be integers, not '\(typeName(index))'") }
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
            let str = unsafeDowncast(o, to: PyStr.self)
            let count = str.scalarCount
            if count == str.value.utf8.count {
                // ASCII: each code point is one byte, reached directly as in CPython's compact strings. Copying the
                // code points out first made `s[i]` cost the whole string's length.
                let i = slice == nil ? try normalizeIndex(index, count: count, what: "string") : 0
                if let picked = str.value.utf8.withContiguousStorageIfAvailable({ bytes -> String in
                    guard let slice else { return String(decoding: CollectionOfOne(bytes[i]), as: UTF8.self) }
                    return String(decoding: slice.indices(count: count).map { bytes[$0] }, as: UTF8.self)
                }) {
                    return newString(picked)
                }
            }
            let chars = Array(str.value.unicodeScalars)
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
        case .cls:
            if let v = try classHook(obj, "_conclab_class_getitem", [index]) { return v }
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
            if index.isObject, index.objectKind == .slice {
                return try storeListSlice(unsafeDowncast(o, to: PyList.self), unsafeDowncast(index.object, to: PySlice.self), value)
            }
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
            try refuseSnapshotChange(unsafeDowncast(o, to: PyDict.self))
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
            if index.isObject, index.objectKind == .slice {
                let slice = unsafeDowncast(index.object, to: PySlice.self)
                let removed = unsafeDowncast(o, to: PyList.self).items.withLock { items -> [PyValue] in
                    if slice.step ?? 1 == 1 {
                        let range = slice.simpleRange(count: items.count)
                        defer { items.removeSubrange(range) }
                        return Array(items[range])
                    }
                    let picked = Set(slice.indices(count: items.count))
                    var kept: [PyValue] = [], removed: [PyValue] = []
                    for (i, v) in items.enumerated() {
                        if picked.contains(i) { removed.append(v) } else { kept.append(v) }
                    }
                    items = kept
                    return removed
                }
                for v in removed { decref(v) }
                return
            }
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
            try refuseSnapshotChange(unsafeDowncast(o, to: PyDict.self))
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

    /// `list[slice] = value` (takes over `value`'s reference on success): a plain slice is replaced by any number of items,
    /// an extended one (a step other than 1) item for item, as CPython's `list_ass_subscript`.
    private func storeListSlice(_ list: PyList, _ slice: PySlice, _ value: PyValue) throws(PyError) {
        guard isIterable(value) else {
            throw typeError(slice.step ?? 1 == 1 ? "can only assign an iterable" : "must assign iterable to extended slice")
        }
        let values = try collect(value)
        var failure: PyError?
        let removed = list.items.withLock { items -> [PyValue] in
            if slice.step ?? 1 == 1 {
                let range = slice.simpleRange(count: items.count)
                if items.count - range.count + values.count > runtime.limits.listItems {
                    failure = memoryError(runtime.limits.listMessage)
                    return values
                }
                defer { items.replaceSubrange(range, with: values) }
                return Array(items[range])
            }
            let picked = slice.indices(count: items.count)
            guard picked.count == values.count else {
                failure = valueError("attempt to assign sequence of size \(values.count) to extended slice of size \(picked.count)")
                return values
            }
            var old: [PyValue] = []
            for (i, v) in zip(picked, values) {
                old.append(items[i])
                items[i] = v
            }
            return old
        }
        for v in removed { decref(v) }
        if let failure { throw failure }
        decref(value)
    }

    /// Whether `iter(v)` could work (for CPython's wording when a slice is given something else).
    private func isIterable(_ v: PyValue) -> Bool {
        guard v.isObject else { return false }
        switch v.objectKind {
        case .list, .tuple, .str, .bytes, .dict, .range, .generator, .rangeIterator, .seqIterator, .lazyIterator, .set, .dictView:
            return true
        case .instance:
            return unsafeDowncast(v.object, to: PyInstance.self).cls.lookup(runtime.names.iterID) != nil
        default:
            return false
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
