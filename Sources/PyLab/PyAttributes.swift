import LabCore

/// Attribute lookup, method loading, setting and deleting attributes.
extension PyThreadState {
    package func attributeError(_ v: PyValue, _ name: Int) -> PyError {
        if v.isObject, v.object.kind == .cls {
            return error(runtime.classes.attributeError,
                         "type object '\(unsafeDowncast(v.object, to: PyClass.self).name)' has no attribute '\(runtime.name(ofInterned: name))'")
        }
        return error(runtime.classes.attributeError, "'\(typeName(v))' object has no attribute '\(runtime.name(ofInterned: name))'")
    }

    package func getAttribute(_ obj: PyValue, _ name: Int) throws(PyError) -> PyValue {
        if obj.isObject, obj.objectKind == .instance, let v = ownAttribute(obj, name) { return v }
        if obj.isBuiltin && name == runtime.names.nameID { return newString(Builtins.table[obj.builtinIndex].name) }
        if obj.isBuiltin, let method = try unboundMethod(obj, name) { return method }
        if name == runtime.names.classID && !(obj.isObject && obj.object.kind == .instance), let type = Builtins.index(of: "type") {
            // `x.__class__` of a value that is not an instance: what type(x) gives.
            return try call(.builtin(type), [obj])
        }
        if obj.isObject {
            let o = obj.object
            try check(o)
            switch o.kind {
            case .instance:
                let inst = unsafeDowncast(o, to: PyInstance.self)
                let key = try attributeKey(inst, name)
                if let v = inst.attributes.withLock({ a -> PyValue? in
                    guard let v = a[key] else { return nil }
                    incref(v)
                    return v
                }) { return v }
                if inst.cls.isSubclass(of: runtime.classes.baseException) {
                    if name == runtime.names.argsID {
                        for a in inst.arguments { incref(a) }
                        return newTuple(inst.arguments)
                    }
                    // The chain's links an exception has until a raise sets them.
                    if name == runtime.names.causeID || name == runtime.names.contextID { return .none }
                    if name == runtime.names.suppressContextID { return .false }
                }
                if inst.cls.isSubclass(of: runtime.classes.systemExit) && runtime.name(ofInterned: name) == "code" {
                    // sys.exit(code): None without an argument, the argument alone, else the tuple of them.
                    return try withExceptionArguments(inst) { args in
                        for a in args { incref(a) }
                        return args.isEmpty ? .none : args.count == 1 ? args[0] : newTuple(args)
                    }
                }
                if inst.cls.isSubclass(of: runtime.classes.stopIteration) && runtime.name(ofInterned: name) == "value" {
                    // A generator's return value.
                    let v = inst.arguments.first ?? .none
                    incref(v)
                    return v
                }
                if name == runtime.names.classID {
                    incref(inst.classValue)
                    return inst.classValue
                }
                if let v = inst.cls.lookup(name) {
                    if v.isObject && v.object.kind == .function {
                        incref(v)
                        incref(obj)
                        return allocate(PyMethod(function: v, selfValue: obj, id: runtime.heap.newID(), owner: ownerForNew))
                    }
                    if v.isObject && v.object.kind == .descriptor {
                        return try descriptorGet(unsafeDowncast(v.object, to: PyDescriptor.self), instance: obj, classValue: inst.classValue)
                    }
                    incref(v)
                    return v
                }
                if inst.cls.isSubclass(of: runtime.classes.baseException),
                   let method = baseExceptionMethod(name, from: inst.cls, bound: obj) {
                    return method
                }
                // `obj.__dict__`: the attributes as vars(obj) gives them (a copy here: a change through it is refused).
                if name == runtime.names.dictID { return try instanceVars(obj) }
                if name == runtime.names.docID || name == runtime.names.hashID { return try classDefault(inst.cls, name) }
                // `__getattr__`: asked for a name the usual lookup did not find, as CPython does.
                if let hook = inst.cls.lookup(runtime.names.getattrID), hook.isObject, hook.objectKind == .function {
                    let attributeName = newString(runtime.name(ofInterned: name))
                    defer { decref(attributeName) }
                    return try call(hook, [obj, attributeName])
                }
            case .cls:
                let cls = unsafeDowncast(o, to: PyClass.self)
                if name == runtime.names.nameID { return newString(cls.name) }
                if name == runtime.names.qualnameID { return newString(cls.qualified.withLock { $0 } ?? cls.name) }
                if name == runtime.names.annotationsID { return try classAnnotations(cls) }
                if let v = cls.lookup(name) {
                    if v.isObject && v.object.kind == .descriptor {
                        return try descriptorGet(unsafeDowncast(v.object, to: PyDescriptor.self), instance: nil, classValue: obj)
                    }
                    incref(v)
                    return v
                }
                if name == runtime.names.setattrID || name == runtime.names.delattrID {
                    // object.__setattr__ / object.__delattr__, which a class's own __setattr__ calls to store.
                    return genericAttributeFunction(name, bound: [])
                }
                if name == runtime.names.mroID { return newTuple(classValues(cls.mro)) }
                if name == runtime.names.docID || name == runtime.names.hashID { return try classDefault(cls, name) }
                if cls.isSubclass(of: runtime.classes.baseException), let method = baseExceptionMethod(name, from: cls, bound: nil) {
                    return method
                }
                if runtime.name(ofInterned: name) == "mro" {
                    // Bound to the class, as a method: `C.mro()` is its MRO as a list.
                    incref(obj)
                    return newNative(Builtin("mro") { ts, a throws(PyError) in
                        try a.expect(1...1, ts)
                        return ts.newList(ts.classValues(unsafeDowncast(a[0].object, to: PyClass.self).mro))
                    }, bound: [obj])
                }
            case .function:
                let f = unsafeDowncast(o, to: PyFunction.self)
                if let v = f.attributes.withLock({ a -> PyValue? in
                    guard let v = a[name] else { return nil }
                    incref(v)
                    return v
                }) { return v }
                if name == runtime.names.nameID { return newString(f.name) }
                if name == runtime.names.docID { return f.code.docString.map { newString($0) } ?? .none }
                if name == runtime.names.annotationsID {
                    throw error(runtime.classes.notImplementedError,
                                "conclab's Python does not support a function's __annotations__ (it keeps those of classes and modules)")
                }
            case .method:
                let m = unsafeDowncast(o, to: PyMethod.self)
                switch runtime.name(ofInterned: name) {
                case "__self__": incref(m.selfValue); return m.selfValue
                case "__func__": incref(m.function); return m.function
                default:
                    // Other attributes are the function's (`__name__`, what a program set on it), as in CPython.
                    if m.function.isObject, m.function.objectKind == .function { return try getAttribute(m.function, name) }
                }
            case .builtinMethod:
                let m = unsafeDowncast(o, to: PyBuiltinMethod.self)
                if name == runtime.names.nameID { return newString(Builtins.table[m.builtin].name) }
                if runtime.name(ofInterned: name) == "__self__" { incref(m.selfValue); return m.selfValue }
            case .generator:
                if name == runtime.names.nameID { return newString(unsafeDowncast(o, to: PyGenerator.self).name) }
            case .slice:
                let s = unsafeDowncast(o, to: PySlice.self)
                switch runtime.name(ofInterned: name) {
                case "start": return s.start.map { PyValue.int($0) } ?? .none
                case "stop": return s.stop.map { PyValue.int($0) } ?? .none
                case "step": return s.step.map { PyValue.int($0) } ?? .none
                default: break
                }
            case .superProxy:
                if let v = try superAttribute(unsafeDowncast(o, to: PySuper.self), name) { return v }
            case .module:
                return try moduleAttribute(unsafeDowncast(o, to: PyModule.self), name)
            case .descriptor:
                let d = unsafeDowncast(o, to: PyDescriptor.self)
                if let v = descriptorAttribute(d, name) { return v }
                // getter, setter and deleter are a property's only.
                if d.flavor != .property { throw attributeError(obj, name) }
            case .native:
                if name == runtime.names.nameID { return newString(unsafeDowncast(o, to: PyNative.self).builtin.name) }
            default:
                break
            }
            if let index = Builtins.method(for: o.kind, name: name, runtime: runtime) {
                if o.kind == .set, refusesFrozen(o, index, name) { throw attributeError(obj, name) }
                incref(obj)
                return allocate(PyBuiltinMethod(builtin: index, selfValue: obj, id: runtime.heap.newID(), owner: ownerForNew))
            }
            if o.kind == .bytes, PyBytes.unsupportedMethods.contains(runtime.name(ofInterned: name)) {
                throw error(runtime.classes.notImplementedError, "conclab's Python does not support bytes.\(runtime.name(ofInterned: name))")
            }
        }
        if let v = try numberAttribute(obj, name) { return v }
        if obj.isInt || obj.isBool, let index = Builtins.method(for: .bigint, name: name, runtime: runtime) {
            // A small int is a tagged word, not an object: its methods are the big integer's.
            return allocate(PyBuiltinMethod(builtin: index, selfValue: obj, id: runtime.heap.newID(), owner: ownerForNew))
        }
        throw missingAttributeError(obj, name)
    }

    /// `.real`, `.imag`, `.numerator`, `.denominator` of an int, and `.real`, `.imag` of a float; nil otherwise.
    private func numberAttribute(_ obj: PyValue, _ name: Int) throws(PyError) -> PyValue? {
        guard let n = number(obj) else { return nil }
        switch (runtime.name(ofInterned: name), n) {
        case ("real", .float(let x)): return newFloat(x)
        case ("imag", .float): return newFloat(0)
        case ("real", _), ("numerator", .small), ("numerator", .big): return newInt(integerValue(obj) ?? 0)
        case ("imag", _): return .int(0)
        case ("denominator", .small), ("denominator", .big): return .int(1)
        default: return nil
        }
    }

    /// For `obj.name(…)`: the two slots 3.11's LOAD_METHOD leaves, `(method, obj)` when the name is a method of
    /// obj's class (or a built-in type's method), else `(NULL, attribute)`. With a method the caller's reference to
    /// `obj` becomes the self slot's; with NULL the caller drops it.
    package func loadMethod(_ obj: PyValue, _ name: Int) throws(PyError) -> (PyValue, PyValue) {
        if obj.isObject, obj.objectKind == .instance, let pair = instanceMethod(obj, name) { return pair }
        if obj.isObject, let pair = builtinMethodUnretained(obj, name) { return pair }
        if obj.isObject {
            let o = obj.object
            try check(o)
            if o.kind == .instance {
                let inst = unsafeDowncast(o, to: PyInstance.self)
                let key = try attributeKey(inst, name)
                let own = inst.attributes.withLock { a -> PyValue? in
                    guard let v = a[key] else { return nil }
                    incref(v)
                    return v
                }
                if let own { return (.null, own) }
                if let v = inst.cls.lookup(name), v.isObject, v.object.kind == .function {
                    incref(v)
                    return (v, obj)
                }
            } else if o.kind == .superProxy {
                let sup = unsafeDowncast(o, to: PySuper.self)
                if let v = superLookup(sup, name), v.isObject, v.object.kind == .function {
                    // `super().m(…)`: the base class's function with the instance as self.
                    incref(v)
                    incref(sup.selfValue)
                    decref(obj)
                    return (v, sup.selfValue)
                }
            } else if o.kind != .cls, let index = Builtins.method(for: o.kind, name: name, runtime: runtime) {
                if o.kind == .set, refusesFrozen(o, index, name) { throw attributeError(obj, name) }
                return (.builtin(index), obj)
            }
        }
        return (.null, try getAttribute(obj, name))
    }

    /// `obj.name` when it is a built-in method of a live object other than an instance, class, super proxy or set
    /// (which have rules of their own), as the general path below answers it, but without retaining `obj` (that
    /// retain and release were a tenth of `d.get(k)`); nil for anything else.
    @inline(__always) func builtinMethodUnretained(_ obj: PyValue, _ name: Int) -> (PyValue, PyValue)? {
        obj.unmanaged._withUnsafeGuaranteedRef { o -> (PyValue, PyValue)? in
            let kind = o.kind
            guard kind != .instance && kind != .cls && kind != .superProxy && kind != .set,
                  o.freedBy.load(ordering: .relaxed) == 0,
                  let index = Builtins.method(for: kind, name: name, runtime: runtime) else { return nil }
            return (.builtin(index), obj)
        }
    }

    /// `obj.name = value`, taking over `value`'s reference on success.
    package func setAttribute(_ obj: PyValue, _ name: Int, _ value: PyValue) throws(PyError) {
        if obj.isObject, obj.objectKind == .instance, replaceOwnAttribute(obj, name, value) { return }
        guard obj.isObject else { throw error(runtime.classes.attributeError, "'\(typeName(obj))' object has no attribute '\(runtime.name(ofInterned: name))'") }
        let o = obj.object
        try check(o)
        let old: PyValue?
        switch o.kind {
        case .instance:
            let inst = unsafeDowncast(o, to: PyInstance.self)
            let value = inst.cls.isSubclass(of: runtime.classes.baseException) ? try checkExceptionLink(obj, name, value) : value
            if inst.cls.hooksAttributes.load(ordering: .relaxed) { return try setHookedAttribute(inst, obj, name, value) }
            let key = try attributeKey(inst, name)
            old = inst.attributes.withLock { a in
                let previous = a[key]
                a[key] = value
                return previous
            }
        case .cls where name == runtime.names.nameID && !o.immortal:
            guard let text = string(value) else { throw typeError("can only assign string to \(unsafeDowncast(o, to: PyClass.self).name).__name__") }
            unsafeDowncast(o, to: PyClass.self).renamed.withLock { $0 = text }
            old = value   // the text is copied out; the reference this call was given is let go
        case .cls:
            if o.immortal { throw typeError("cannot set attributes of built-in class '\(unsafeDowncast(o, to: PyClass.self).name)'") }
            let cls = unsafeDowncast(o, to: PyClass.self)
            old = cls.attributes.withLock { a in
                let previous = a[name]
                a[name] = value
                return previous
            }
            noteClassAttribute(cls, name, value)
        case .function where name == runtime.names.nameID:
            guard let text = string(value) else { throw typeError("__name__ must be set to a string object") }
            unsafeDowncast(o, to: PyFunction.self).renamed.withLock { $0 = text }
            old = value   // the text is copied out; the reference this call was given is let go
        case .function:
            old = unsafeDowncast(o, to: PyFunction.self).attributes.withLock { a in
                let previous = a[name]
                a[name] = value
                return previous
            }
        case .method:
            throw error(runtime.classes.attributeError, "'method' object has no attribute '\(runtime.name(ofInterned: name))'")

        default:
            throw error(runtime.classes.attributeError, "'\(o.typeName)' object attribute '\(runtime.name(ofInterned: name))' is read-only")
        }
        if let old { decref(old) }
    }

    package func deleteAttribute(_ obj: PyValue, _ name: Int) throws(PyError) {
        if obj.isObject, obj.objectKind == .function {
            let f = unsafeDowncast(obj.object, to: PyFunction.self)
            guard let old = f.attributes.withLock({ $0.removeValue(forKey: name) }) else { throw attributeError(obj, name) }
            decref(old)
            return
        }
        if obj.isObject, obj.object.kind == .cls, !obj.object.immortal {
            // `del C.x` (a dataclass's field without a default is taken off the class so).
            let cls = unsafeDowncast(obj.object, to: PyClass.self)
            try check(cls)
            guard let old = cls.attributes.withLock({ $0.removeValue(forKey: name) }) else { throw attributeError(obj, name) }
            decref(old)
            return
        }
        guard obj.isObject, obj.object.kind == .instance else { throw attributeError(obj, name) }
        let inst = unsafeDowncast(obj.object, to: PyInstance.self)
        try check(inst)
        if inst.cls.hooksAttributes.load(ordering: .relaxed) { return try deleteHookedAttribute(inst, obj, name) }
        let key = try attributeKey(inst, name)
        guard let old = inst.attributes.withLock({ $0.removeValue(forKey: key) }) else { throw attributeError(obj, name) }
        decref(old)
    }

    /// Classes as values (owned references), for `__mro__` and `mro()`.
    func classValues(_ classes: [PyClass]) -> [PyValue] {
        classes.map { c in
            let v = PyValue.object(Unmanaged.passUnretained(c))
            incref(v)
            return v
        }
    }

    /// Where `super().name` is: in the MRO of the instance's class (or of the class itself, for a class), after the
    /// method's own class. Borrowed.
    func superLookup(_ sup: PySuper, _ name: Int) -> PyValue? {
        let s = sup.selfValue
        let type: PyClass
        if s.isObject, s.object.kind == .instance {
            type = unsafeDowncast(s.object, to: PyInstance.self).cls
        } else if s.isObject, s.object.kind == .cls {
            type = unsafeDowncast(s.object, to: PyClass.self)
        } else {
            type = sup.cls
        }
        return type.isSubclass(of: sup.cls) ? type.lookup(name, after: sup.cls) : sup.cls.base?.lookup(name)
    }

    /// `super().name`: looked up from the class after the method's own, bound to the instance when a function.
    package func superAttribute(_ sup: PySuper, _ name: Int) throws(PyError) -> PyValue? {
        guard let v = superLookup(sup, name) else {
            if name == runtime.names.setattrID || name == runtime.names.delattrID {
                incref(sup.selfValue)
                return genericAttributeFunction(name, bound: [sup.selfValue])
            }
            if sup.cls.isSubclass(of: runtime.classes.baseException) || isExceptionObject(sup.selfValue),
               let base = sup.cls.base, let method = baseExceptionMethod(name, from: base, bound: sup.selfValue) {
                return method
            }
            guard name == runtime.names.initID else { return nil }
            // object.__init__, which a cooperative __init__ reaches at the end of the MRO: it takes no arguments.
            return newNative(Builtin("__init__") { ts, a throws(PyError) in
                guard a.count == 0 else { throw ts.typeError("object.__init__() takes exactly one argument (the instance to initialize)") }
                return .none
            }, bound: [])
        }
        if v.isObject && v.object.kind == .function {
            incref(v)
            incref(sup.selfValue)
            return allocate(PyMethod(function: v, selfValue: sup.selfValue, id: runtime.heap.newID(), owner: ownerForNew))
        }
        if v.isObject && v.object.kind == .descriptor {
            // A property reads through the instance; a classmethod binds to the instance's class (or the class).
            let s = sup.selfValue
            let d = unsafeDowncast(v.object, to: PyDescriptor.self)
            if s.isObject, s.object.kind == .instance {
                return try descriptorGet(d, instance: s, classValue: unsafeDowncast(s.object, to: PyInstance.self).classValue)
            }
            return try descriptorGet(d, instance: nil, classValue: s)
        }
        incref(v)
        return v
    }
}

extension PyThreadState {
    /// Whether set method `index` changes the set and `o` is a frozenset, which has no such method.
    func refusesFrozen(_ o: PyObject, _ index: Int, _ name: Int) -> Bool {
        guard unsafeDowncast(o, to: PySet.self).frozen else { return false }
        return Builtins.mutatingSetMethods.contains(Builtins.table[index].name)
    }
}

extension Builtins {
    static let mutatingSetMethods: Set<String> = ["add", "remove", "discard", "pop", "clear", "update", "difference_update",
                                                  "intersection_update", "symmetric_difference_update"]
}

extension PyThreadState {
    /// `str.upper`, `list.append`, `dict.get` …: a built-in type's method taken from the type (`map(str.upper, words)`,
    /// `sorted(words, key=str.lower)`), a function whose first argument is the receiver, refused for a receiver of
    /// another type as CPython refuses it. Nil when `type` is not such a type or has no method of that name.
    func unboundMethod(_ type: PyValue, _ name: Int) throws(PyError) -> PyValue? {
        let typeName = Builtins.table[type.builtinIndex].name
        if typeName == "dict" && runtime.name(ofInterned: name) == "fromkeys" {
            return newNative(Builtin("fromkeys") { ts, a throws(PyError) in
                try a.expect(1...2, ts)
                let keys = try ts.collect(a[0])
                defer { for k in keys { ts.decref(k) } }
                let d = PyDict(id: ts.runtime.heap.newID(), owner: ts.ownerForNew)
                let value = ts.allocate(d)
                do throws(PyError) {
                    for k in keys { try ts.dictSet(d, k, a.count == 2 ? a[1] : .none) }
                } catch {
                    ts.decref(value)
                    throw error
                }
                return value
            }, bound: [])
        }
        if typeName == "int" && runtime.name(ofInterned: name) == "from_bytes" { return newNative(Builtins.intFromBytes, bound: []) }
        if typeName == "bytes" && runtime.name(ofInterned: name) == "fromhex" { return newNative(Builtins.bytesFromHex, bound: []) }
        if typeName == "str" && runtime.name(ofInterned: name) == "maketrans" { return newNative(Builtins.makeTrans, bound: []) }
        let kinds: [String: PyKind] = ["str": .str, "bytes": .bytes, "list": .list, "tuple": .tuple, "dict": .dict, "set": .set, "float": .float]
        guard let kind = kinds[typeName], let index = Builtins.method(for: kind, name: name, runtime: runtime) else { return nil }
        let methodName = runtime.name(ofInterned: name)
        return newNative(Builtin(methodName) { ts, a throws(PyError) in
            guard a.count >= 1 else { throw ts.typeError("unbound method \(typeName).\(methodName)() needs an argument") }
            let receiver = a[0]
            guard receiver.isObject, receiver.object.kind == kind else {
                throw ts.typeError("descriptor '\(methodName)' for '\(typeName)' objects doesn't apply to a '\(ts.typeName(receiver))' object")
            }
            var rest: [PyValue] = []
            for i in 1..<a.count { rest.append(a[i]) }
            return try ts.call(.builtin(index), [receiver] + rest, keywords: a.keywords)
        }, bound: [])
    }
}

extension PyThreadState {
    /// The key of attribute `name` in `inst`'s table: the name itself, or for a `threading.local` the name and this
    /// thread together, so each thread sees only what it set (as CPython's `threading.local`). A subclass with an
    /// `__init__` of its own is refused in a second thread: CPython would run that `__init__` again there, which
    /// conclab does not.
    @inline(__always) func attributeKey(_ inst: PyInstance, _ name: Int) throws(PyError) -> Int {
        guard inst.cls.threadLocal.load(ordering: .relaxed) else { return name }
        return try threadLocalKey(inst, name)
    }

    @inline(never) func threadLocalKey(_ inst: PyInstance, _ name: Int) throws(PyError) -> Int {
        // The thread that first touched the instance (its `__init__` ran there) is kept under a key no name has.
        let me = number
        let first = inst.attributes.withLock { a -> Int in
            if let v = a[Int.min], let n = asInt(v) { return n }
            a[Int.min] = .int(me)
            return me
        }
        if first != me, let initializer = inst.cls.lookup(runtime.intern("__init__")), initializer.isObject,
           initializer.object.kind == .function {
            throw error(runtime.classes.notImplementedError,
                        "conclab's Python does not support __init__ in a subclass of threading.local used by a second thread (CPython runs it again in each thread)")
        }
        return name | (me + 1) << 32
    }
}

/// The common cases of attribute access on an instance, read without retaining the instance, its class or this
/// thread state (Swift's retains and releases around the general paths were half of a method call's time). Each
/// answers only what the general path would answer the same way, and returns nil (or false) for the rest: a freed
/// instance, a `threading.local`, a name the instance does not have.
extension PyThreadState {
    /// `obj.name` found in the instance's own attributes (a new reference).
    @inline(__always) func ownAttribute(_ obj: PyValue, _ name: Int) -> PyValue? {
        let me = Unmanaged.passUnretained(self)
        let alone = self.alone
        return obj.unmanaged._withUnsafeGuaranteedRef { o -> PyValue? in
            let inst = unsafeDowncast(o, to: PyInstance.self)
            guard inst.freedBy.load(ordering: .relaxed) == 0, !inst.cls.threadLocal.load(ordering: .relaxed) else { return nil }
            return inst.attributes.withLock(alone: alone) { a -> PyValue? in
                guard let v = a[name] else { return nil }
                me._withUnsafeGuaranteedRef { $0.incref(v) }
                return v
            }
        }
    }

    /// `obj.name(…)`'s two slots when the name is the instance's own attribute `(NULL, attribute)` or a function in the
    /// instance's class itself `(function, obj)`, as `loadMethod` leaves them.
    @inline(__always) func instanceMethod(_ obj: PyValue, _ name: Int) -> (PyValue, PyValue)? {
        if let own = ownAttribute(obj, name) { return (.null, own) }
        let me = Unmanaged.passUnretained(self)
        let alone = self.alone
        return obj.unmanaged._withUnsafeGuaranteedRef { o -> (PyValue, PyValue)? in
            let inst = unsafeDowncast(o, to: PyInstance.self)
            guard inst.freedBy.load(ordering: .relaxed) == 0, !inst.cls.threadLocal.load(ordering: .relaxed) else { return nil }
            guard let v = inst.cls.attributes.withLock(alone: alone, { $0[name] }), v.isObject, v.objectKind == .function else { return nil }
            me._withUnsafeGuaranteedRef { $0.incref(v) }
            return (v, obj)
        }
    }

    /// `obj.name = value` for a name the instance already has (not an exception's chain links, which are checked):
    /// takes over `value`'s reference. False for anything else, left to the general path.
    @inline(__always) func replaceOwnAttribute(_ obj: PyValue, _ name: Int, _ value: PyValue) -> Bool {
        let names = runtime.names
        // An exception's chain links and `args` are checked or converted by the general path.
        guard name != names.causeID && name != names.contextID && name != names.suppressContextID && name != names.argsID else { return false }
        let alone = self.alone
        let old: PyValue? = obj.unmanaged._withUnsafeGuaranteedRef { o -> PyValue? in
            let inst = unsafeDowncast(o, to: PyInstance.self)
            // A class with a property or a __setattr__ (`hooksAttributes`) stores through them, never here.
            guard inst.freedBy.load(ordering: .relaxed) == 0, !inst.cls.threadLocal.load(ordering: .relaxed),
                  !inst.cls.hooksAttributes.load(ordering: .relaxed) else { return nil }
            return inst.attributes.withLock(alone: alone) { a -> PyValue? in a.replace(name, with: value) }
        }
        guard let old else { return false }
        decref(old)
        return true
    }
}

extension PyThreadState {
    /// What a class that does not set `__doc__` or `__hash__` has: no docstring (None); for `__hash__`, None when a
    /// class of its MRO defines `__eq__` first (CPython then sets `__hash__ = None`), else object's hash of identity.
    func classDefault(_ cls: PyClass, _ name: Int) throws(PyError) -> PyValue {
        if name == runtime.names.docID { return .none }
        switch instanceHashing(cls) {
        case .method(let hashing):
            incref(hashing)
            return hashing
        case .equality:
            return .none
        case .identity:
            return newNative(Builtin("__hash__") { ts, a throws(PyError) in
                try a.expect(1...1, ts)
                return try ts.call(.builtin(Builtins.index(of: "hash") ?? 0), [a[0]])
            }, bound: [])
        }
    }
}
