import LabCore

/// The instructions of `match` (CPython 3.11's MATCH_CLASS, MATCH_SEQUENCE, MATCH_MAPPING, MATCH_KEYS and GET_LEN),
/// run outside the eval loop's hot switch. What counts as a sequence or a mapping is what CPython's type flags say:
/// list, tuple and range (not str, bytes or a class that merely has `__getitem__`), dict; and the `collections`
/// classes, which conclab writes in Python and marks with a `_conclab_match` class attribute.
extension PyThreadState {
    /// The types whose class pattern matches the subject itself (`int(x)`, `str(s)`): CPython's `_Py_TPFLAGS_MATCH_SELF`.
    static let matchSelfTypes: Set<String> = ["bool", "bytearray", "bytes", "dict", "float", "frozenset", "int", "list", "set", "str", "tuple"]
    static let lenBuiltin: Int = Builtins.index(of: "len") ?? 0

    package func matchOp(_ op: Op, _ arg: Int, sp top: UnsafeMutablePointer<PyValue>) throws(PyError) -> UnsafeMutablePointer<PyValue> {
        var sp = top
        switch op {
        case .matchSequence, .matchMapping:
            let kind = matchKind(sp[-1])
            sp.pointee = kind == (op == .matchSequence ? "sequence" : "mapping") ? .true : .false
            sp += 1
        case .getLen:
            sp.pointee = try call(.builtin(Self.lenBuiltin), [sp[-1]])
            sp += 1
        case .matchKeys:
            // [subject, keys] → [subject, keys, values or None].
            sp.pointee = try matchKeys(sp[-2], sp[-1])
            sp += 1
        case .matchClass:
            // [subject, class, keyword names] → a tuple of the attributes, or None.
            let names = sp[-1], cls = sp[-2], subject = sp[-3]
            let result = try matchClass(subject, cls, names, positional: arg)
            sp -= 3
            decref(names); decref(cls); decref(subject)
            sp.pointee = result
            sp += 1
        default:
            throw typeError("\(op.name) is not a match instruction")
        }
        return sp
    }

    /// "sequence", "mapping" or nil: how a pattern may take the value apart.
    func matchKind(_ v: PyValue) -> String? {
        guard v.isObject else { return nil }
        switch v.object.kind {
        case .list, .tuple, .range: return "sequence"
        case .dict: return "mapping"
        case .instance:
            let cls = unsafeDowncast(v.object, to: PyInstance.self).cls
            guard let marker = cls.lookup(runtime.intern("_conclab_match")) else { return nil }
            return string(marker)
        default: return nil
        }
    }

    func matchKeys(_ subject: PyValue, _ keysValue: PyValue) throws(PyError) -> PyValue {
        guard keysValue.isObject, let keys = keysValue.object as? PyTuple else { throw typeError("MATCH_KEYS needs a tuple of keys") }
        var values: [PyValue] = []
        var seen: Set<PyKey> = []
        func fail() -> PyValue {
            for v in values { decref(v) }
            return .none
        }
        for key in keys.items {
            if !seen.insert(try dictKey(key)).inserted {
                for v in values { decref(v) }
                throw error(runtime.classes.valueError, "mapping pattern checks duplicate key (\(try repr(key)))")
            }
            if subject.isObject, let d = subject.object as? PyDict {
                guard let v = try dictGet(d, key) else { return fail() }
                values.append(v)
            } else {
                guard try contains(subject, key) else { return fail() }
                values.append(try getItem(subject, key))
            }
        }
        return newTuple(values)
    }

    func matchClass(_ subject: PyValue, _ cls: PyValue, _ namesValue: PyValue, positional count: Int) throws(PyError) -> PyValue {
        let userClass = cls.isObject && cls.object.kind == .cls ? unsafeDowncast(cls.object, to: PyClass.self) : nil
        let builtinType = cls.isBuiltin && Builtins.typeNames.contains(Builtins.table[cls.builtinIndex].name) ? Builtins.table[cls.builtinIndex].name : nil
        guard userClass != nil || builtinType != nil else { throw typeError("called match pattern must be a type") }
        let typeName = userClass?.name ?? builtinType ?? "?"
        let isInstance: Bool
        if builtinType != nil {
            isInstance = (try? Builtins.isInstance(self, subject, cls)) ?? false
        } else {
            isInstance = try Builtins.isInstance(self, subject, cls)
        }
        guard isInstance else { return .none }
        guard namesValue.isObject, let keywordNames = namesValue.object as? PyTuple else { throw typeError("MATCH_CLASS needs a tuple of names") }
        var attributes: [PyValue] = []
        var seen: Set<String> = []
        func release() { for a in attributes { decref(a) } }
        /// The subject's attribute for a sub-pattern; nil when it has none (no match).
        func attribute(_ name: String) throws(PyError) -> PyValue? {
            if !seen.insert(name).inserted {
                throw typeError("\(typeName)() got multiple sub-patterns for attribute '\(name)'")
            }
            do throws(PyError) {
                return try getAttribute(subject, runtime.intern(name))
            } catch {
                if error.type.isSubclass(of: runtime.classes.attributeError) { return nil }
                throw error
            }
        }
        do throws(PyError) {
            if count > 0 {
                var matchArgs: [PyValue] = []
                var matchSelf = false
                if let userClass, let declared = userClass.lookup(runtime.intern("__match_args__")) {
                    guard declared.isObject, let tuple = declared.object as? PyTuple else {
                        throw typeError("\(typeName).__match_args__ must be a tuple (got \(self.typeName(declared)))")
                    }
                    matchArgs = tuple.items
                } else if let builtinType {
                    matchSelf = Self.matchSelfTypes.contains(builtinType)
                }
                let allowed = matchSelf ? 1 : matchArgs.count
                if allowed < count {
                    throw typeError("\(typeName)() accepts \(allowed) positional sub-pattern\(allowed == 1 ? "" : "s") (\(count) given)")
                }
                if matchSelf {
                    incref(subject)
                    attributes.append(subject)
                } else {
                    for item in matchArgs.prefix(count) {
                        guard let name = string(item) else {
                            throw typeError("__match_args__ elements must be strings (got \(self.typeName(item)))")
                        }
                        guard let value = try attribute(name) else { release(); return .none }
                        attributes.append(value)
                    }
                }
            }
            for item in keywordNames.items {
                guard let value = try attribute(string(item) ?? "") else { release(); return .none }
                attributes.append(value)
            }
        } catch {
            release()
            throw error
        }
        return newTuple(attributes)
    }
}

extension PyThreadState {
    /// `{**m}` (and a mapping pattern's `**rest`) for a mapping that is not a dict: its `keys()` and `m[key]`, as
    /// CPython's `PyDict_Update` does.
    func updateFromMapping(_ target: PyDict, _ other: PyValue) throws(PyError) {
        let keysMethod: PyValue
        do throws(PyError) {
            keysMethod = try getAttribute(other, runtime.intern("keys"))
        } catch {
            if error.type.isSubclass(of: runtime.classes.attributeError) { throw typeError("'\(typeName(other))' object is not a mapping") }
            throw error
        }
        defer { decref(keysMethod) }
        let keys = try call(keysMethod, [])
        defer { decref(keys) }
        let iterator = try iterate(keys)
        defer { decref(iterator) }
        while let key = try iterNext(iterator) {
            defer { decref(key) }
            let value = try getItem(other, key)
            defer { decref(value) }
            try dictSet(target, key, value)
        }
    }
}
