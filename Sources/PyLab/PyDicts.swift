import LabOS
import LabCore

/// Dict keys, building and reading dicts.
extension PyThreadState {
    package func dictKey(_ v: PyValue) throws(PyError) -> PyKey {
        if v.isInt { return .int(v.intValue) }
        if v.isObject && v.objectKind == .str { return .str(v.unmanaged._withUnsafeGuaranteedRef { unsafeDowncast($0, to: PyStr.self).value }) }
        if let n = number(v) { return numberKey(n) }
        if v == .true { return .int(1) }
        if v == .false { return .int(0) }
        if v == .none { return .none }
        if let s = string(v) { return .str(s) }
        if let b = bytes(v) { return .bytes(b) }
        if v.isObject, v.object.kind == .tuple {
            return .tuple(try unsafeDowncast(v.object, to: PyTuple.self).items.pyMap { (x: PyValue) throws(PyError) in try dictKey(x) })
        }
        if v.isBuiltin { return .identity(-1 - v.builtinIndex) }
        if v.isObject {
            unowned(unsafe) let o = v.object
            switch o.kind {
            case .instance:
                // As CPython: hashed by identity unless the class defines __eq__ (which makes it unhashable).
                let cls = unsafeDowncast(o, to: PyInstance.self).cls
                switch instanceHashing(cls) {
                case .identity: return .identity(o.id)
                case .method(let hashing): return try customKey(v, cls, hashing)
                case .equality:
                    if let fields = cls.lookup(runtime.intern("_dataclass_hash_fields")) { return try dataclassKey(v, cls, fields) }
                }
            case .cls, .function, .module, .generator, .lock, .native, .code: return .identity(o.id)
            case .set where unsafeDowncast(o, to: PySet.self).frozen:
                return .frozenset(unsafeDowncast(o, to: PySet.self).storage.withLock { Set($0.keys.keys) })
            default: break
            }
        }
        throw typeError("unhashable type: '\(typeName(v))'")
    }

    /// `dictKey(v)` and its `tableHash`, without a call for an int or a str (the usual keys; a str's hash is cached).
    @inline(__always) package func hashedKey(_ v: PyValue) throws(PyError) -> (key: PyKey, hash: Int) {
        if v.isInt { return (.int(v.intValue), PyKey.intHash(v.intValue)) }
        if v.isObject && v.objectKind == .str {
            return v.unmanaged._withUnsafeGuaranteedRef { o in
                let s = unsafeDowncast(o, to: PyStr.self)
                return (.str(s.value), s.tableHash)
            }
        }
        let key = try dictKey(v)
        return (key, key.tableHash)
    }

    package func buildDict(_ start: UnsafeMutablePointer<PyValue>, pairs: Int) throws(PyError) -> PyValue {
        let d = PyDict(id: runtime.heap.newID(), owner: ownerForNew)
        for i in 0..<pairs {
            let k = start[2 * i], v = start[2 * i + 1]
            try dictSet(d, k, v)
        }
        return allocate(d)
    }

    /// BUILD_CONST_KEY_MAP: `count` borrowed values at `values` and a tuple of as many keys.
    package func buildDict(keys: PyValue, values: UnsafeMutablePointer<PyValue>, count: Int) throws(PyError) -> PyValue {
        guard keys.isObject, keys.objectKind == .tuple else { throw typeError("BUILD_CONST_KEY_MAP needs a tuple of keys") }
        let names = unsafeDowncast(keys.object, to: PyTuple.self).items
        guard names.count == count else { throw typeError("BUILD_CONST_KEY_MAP: \(names.count) keys for \(count) values") }
        let d = PyDict(id: runtime.heap.newID(), owner: ownerForNew)
        for i in 0..<count { try dictSet(d, names[i], values[i]) }
        return allocate(d)
    }

    /// `d[k] = v` with borrowed `k` and `v`.
    package func dictSet(_ d: PyDict, _ k: PyValue, _ v: PyValue) throws(PyError) {
        // Hashed once, outside the lock, for both the lookup and a new key's insertion.
        let (key, h) = try hashedKey(k)
        if case .custom = key { try checkCustomKey(key, k, in: d.storage) }
        incref(v)
        let old: PyValue? = d.storage.withLock(alone: alone) { s in
            if let i = s.keys.find(key, hash: h) {
                if let entry = s.entries[i] {
                    s.entries[i] = (entry.key, v)
                    return entry.value
                }
                s.entries.append((k, v))
                s.keys[key] = s.entries.count - 1
                return nil
            }
            s.entries.append((k, v))
            s.keys.insertNew(key, hash: h, position: s.entries.count - 1)
            return nil
        }
        if let old { decref(old) } else { incref(k) }
    }

    /// `d[k]` (a new reference) for a live dict, read without retaining it; nil for a missing key or a freed dict,
    /// which the general `getItem` then reports.
    @inline(never) package func dictItemUnretained(_ d: PyValue, _ k: PyValue) throws(PyError) -> PyValue? {
        var failure: PyError?
        let v = d.unmanaged._withUnsafeGuaranteedRef { o -> PyValue? in
            guard o.freedBy.load(ordering: .relaxed) == 0 else { return nil }
            do throws(PyError) {
                return try dictGet(unsafeDowncast(o, to: PyDict.self), k)
            } catch {
                failure = error
                return nil
            }
        }
        if let failure { throw failure }
        return v
    }

    /// `d.get(k, default)` (a new reference) for a live dict; nil for anything else (a freed dict), which the
    /// built-in then answers.
    @inline(never) package func dictGetOrDefault(_ d: PyValue, _ k: PyValue, _ otherwise: PyValue) throws(PyError) -> PyValue? {
        guard d.isObject, d.objectKind == .dict, d.unmanaged._withUnsafeGuaranteedRef({ $0.freedBy.load(ordering: .relaxed) == 0 }) else { return nil }
        if let v = try dictItemUnretained(d, k) { return v }
        incref(otherwise)
        return otherwise
    }

    /// `d[k] = v` (borrowed `k` and `v`) for a live dict, without retaining it; false for a freed dict (nothing done).
    @inline(never) package func storeDictItemUnretained(_ d: PyValue, _ k: PyValue, _ v: PyValue) throws(PyError) -> Bool {
        var failure: PyError?
        let done = d.unmanaged._withUnsafeGuaranteedRef { o -> Bool in
            guard o.freedBy.load(ordering: .relaxed) == 0 else { return false }
            do throws(PyError) {
                let dict = unsafeDowncast(o, to: PyDict.self)
                try refuseSnapshotChange(dict)
                try dictSet(dict, k, v)
            } catch {
                failure = error
            }
            return true
        }
        if let failure { throw failure }
        return done
    }

    package func dictGet(_ d: PyDict, _ k: PyValue) throws(PyError) -> PyValue? {
        let (key, h) = try hashedKey(k)
        if case .custom = key { try checkCustomKey(key, k, in: d.storage) }
        // This thread state captured unretained: a strong capture was retained and released on every read.
        let me = Unmanaged.passUnretained(self)
        return d.storage.withLock(alone: alone) { s -> PyValue? in
            guard let i = s.keys.find(key, hash: h), let entry = s.entries[i] else { return nil }
            me._withUnsafeGuaranteedRef { $0.incref(entry.value) }
            return entry.value
        }
    }
}

extension PyThreadState {
    /// A frozen dataclass's key (CPython hashes it by the tuple of its fields and compares it with its `__eq__`): its
    /// class, under an identity no object has, then its fields' keys, so it equals exactly the instances `__eq__` calls
    /// equal and never a plain tuple.
    func dataclassKey(_ v: PyValue, _ cls: PyClass, _ fields: PyValue) throws(PyError) -> PyKey {
        guard fields.isObject, fields.object.kind == .tuple else { throw typeError("unhashable type: '\(typeName(v))'") }
        var keys: [PyKey] = [.identity(Int.min + cls.id)]
        for name in unsafeDowncast(fields.object, to: PyTuple.self).items {
            let value = try getAttribute(v, runtime.intern(string(name) ?? ""))
            defer { decref(value) }
            keys.append(try dictKey(value))
        }
        return .tuple(keys)
    }
}

extension PyThreadState {
    /// How instances of `cls` hash, from one walk of the MRO: the first class that defines `__eq__` or `__hash__`
    /// decides, as CPython sets `__hash__ = None` in a class that defines `__eq__` alone.
    enum InstanceHashing {
        /// Neither is defined: by identity (object's hash).
        case identity
        /// By this `__hash__` (borrowed; `.none` for `__hash__ = None`, unhashable).
        case method(PyValue)
        /// `__eq__` without `__hash__`: unhashable (a frozen dataclass keys by its fields instead).
        case equality
    }

    func instanceHashing(_ cls: PyClass) -> InstanceHashing {
        let hash = runtime.names.hashID, eq = runtime.names.eqID
        for c in cls.mro {
            let (h, e) = c.attributes.withLock { ($0[hash], $0[eq]) }
            if let h { return .method(h) }
            if e != nil { return .equality }
        }
        return .identity
    }

    /// The key of an instance whose class defines `__hash__`, with CPython's TypeErrors for None and for a result that
    /// is not an integer.
    func customKey(_ v: PyValue, _ cls: PyClass, _ hashing: PyValue) throws(PyError) -> PyKey {
        if hashing == .none { throw typeError("unhashable type: '\(cls.name)'") }
        let method = try getAttribute(v, runtime.names.hashID)
        let result: PyValue
        do throws(PyError) { result = try call(method, []) } catch { decref(method); throw error }
        decref(method)
        defer { decref(result) }
        guard result.isInt || result == .true || result == .false else {
            throw typeError("__hash__ method should return an integer")
        }
        let h = result.isInt ? result.intValue : (result == .true ? 1 : 0)
        return .custom(h == -1 ? -2 : h)
    }

    /// Before a dict or set takes `key` for `value`: if another object holds that key, `__eq__` must call them equal;
    /// else conclab refuses, since its tables cannot keep two keys of one hash apart (CPython's can).
    func checkCustomKey(_ key: PyKey, _ value: PyValue, in storage: borrowing SpinLocked<PyDictStorage>) throws(PyError) {
        let other = storage.withLock { s -> PyValue? in
            guard let i = s.keys[key], let entry = s.entries[i] else { return nil }
            incref(entry.key)
            return entry.key
        }
        guard let other else { return }
        defer { decref(other) }
        if other == value { return }
        if try !equals(value, other) {
            throw error(runtime.classes.notImplementedError,
                        "conclab's Python does not support two unequal keys whose __hash__ is the same (\(try repr(value)) and \(try repr(other)))")
        }
    }
}
