import LabCore

/// Class creation and the names a class body reads and writes.
extension PyThreadState {
    /// `closure`: a tuple of the cells of the enclosing function's variables the body uses (borrowed), or None.
    package func makeClass(_ code: CodeObject, bases: [PyValue], closure: PyValue = .none) throws(PyError) -> PyValue {
        var classes: [PyClass] = []
        for b in bases {
            guard b.isObject, b.object.kind == .cls else {
                if b.isBuiltin, Builtins.typeNames.contains(Builtins.table[b.builtinIndex].name) {
                    // CPython subclasses its built-in types (class Stack(list)); conclab's are not classes.
                    throw error(runtime.classes.notImplementedError,
                                "conclab's Python does not support subclassing the built-in type \(Builtins.table[b.builtinIndex].name); "
                                    + "keep one as an attribute instead (self.items = [])")
                }
                throw typeError("a class can only inherit from a class, not '\(typeName(b))'")
            }
            let c = unsafeDowncast(b.object, to: PyClass.self)
            if classes.contains(where: { $0 === c }) { throw typeError("duplicate base class \(c.name)") }
            classes.append(c)
        }
        var baseValues = bases
        if classes.isEmpty {
            classes = [runtime.classes.object]
            baseValues = [.object(Unmanaged.passUnretained(runtime.classes.object))]
        }
        let layouts = classes.map(layout)
        if layouts.contains(where: { a in layouts.contains { b in !a.isSubclass(of: b) && !b.isSubclass(of: a) } }) {
            throw typeError("multiple bases have instance lay-out conflict")
        }
        let ancestors: [PyClass]
        switch PyClass.linearization(of: classes) {
        case .success(let order): ancestors = order
        case .failure(let conflict):
            throw typeError("Cannot create a consistent method resolution\norder (MRO) for bases " + conflict.heads.map(\.name).joined(separator: ", "))
        }
        for b in baseValues { incref(b) }
        let cls = PyClass(name: code.name, bases: classes, baseValues: baseValues, ancestors: ancestors, attributes: [:],
                          id: runtime.heap.newID(), immortal: false, owner: ownerForNew)
        let value = allocate(cls)
        for a in ancestors where !a.immortal {
            a.subclasses.withLock { list in
                list.removeAll { $0.cls == nil }
                list.append(WeakClass(cls))
            }
        }
        if code.qualifiedName != code.name { cls.qualified.withLock { $0 = code.qualifiedName } }
        do throws(PyError) {
            let r = try run(code, namespace: cls, closure: closure)
            decref(r)
            noteClassAttributes(cls)
            if cls.classHooks.load(ordering: .relaxed), let done = try classHook(value, "_conclab_class_init", []) { decref(done) }
        } catch {
            decref(value)
            throw error
        }
        return value
    }

    /// The built-in exception class whose instances' layout (CPython's C struct) `cls` has: two bases with
    /// unrelated layouts (OSError and AttributeError) cannot be combined.
    func layout(_ cls: PyClass) -> PyClass {
        let c = runtime.classes
        let ownLayouts = [c.stopIteration, c.systemExit, c.importError, c.osError, c.unicodeError, c.attributeError, c.nameError]
        return cls.mro.first { k in ownLayouts.contains { $0 === k } } ?? c.object
    }

    package func loadName(_ namespace: Unmanaged<PyClass>?, _ name: Int) throws(PyError) -> PyValue {
        if let ns = namespace?.takeUnretainedValue(), let v = ns.attributes.withLock({ $0[name] }) {
            incref(v)
            return v
        }
        let text = runtime.name(ofInterned: name)
        if let slot = runtime.symbols.withLock({ $0.globalSlots[text] }) {
            let v = runtime.globals.load(slot)
            if v != .unbound {
                incref(v)
                return v
            }
        }
        if let v = runtime.builtinValues[text] { return v }
        throw nameError(text)
    }

    package func storeName(_ namespace: Unmanaged<PyClass>?, _ name: Int, _ value: PyValue) throws(PyError) {
        guard let ns = namespace?.takeUnretainedValue() else {
            decref(value)
            throw error(runtime.classes.runtimeError, "no class namespace")
        }
        let old = ns.attributes.withLock { a in
            let previous = a[name]
            a[name] = value
            return previous
        }
        if let old { decref(old) }
    }

    package func deleteName(_ namespace: Unmanaged<PyClass>?, _ name: Int) throws(PyError) {
        guard let ns = namespace?.takeUnretainedValue(), let old = ns.attributes.withLock({ $0.removeValue(forKey: name) }) else {
            throw error(runtime.classes.nameError, "name '\(runtime.name(ofInterned: name))' is not defined")
        }
        decref(old)
    }

    /// SETUP_ANNOTATIONS: an empty `__annotations__` dict in the class being built, or (at module level) in global
    /// slot `slot`, unless there is one already.
    package func setupAnnotations(_ namespace: Unmanaged<PyClass>?, slot: Int) {
        if let ns = namespace?.takeUnretainedValue() {
            let id = runtime.names.annotationsID
            guard ns.attributes.withLock({ $0[id] }) == nil else { return }
            let d = allocate(PyDict(id: runtime.heap.newID(), owner: ownerForNew))
            ns.attributes.withLock { $0[id] = d }
            return
        }
        guard runtime.globals.load(slot) == .unbound else { return }
        runtime.globals.store(slot, allocate(PyDict(id: runtime.heap.newID(), owner: ownerForNew)))
    }
}

extension PyThreadState {
    /// Calls the class's own `name` function (looked up along its MRO) with the class and `args` (borrowed), for a class
    /// whose `classHooks` is set; nil when the class has no such function.
    package func classHook(_ classValue: PyValue, _ name: String, _ args: [PyValue]) throws(PyError) -> PyValue? {
        guard classValue.isObject, classValue.objectKind == .cls else { return nil }
        let cls = unsafeDowncast(classValue.object, to: PyClass.self)
        guard cls.classHooks.load(ordering: .relaxed), let f = cls.lookup(runtime.intern(name)), f.isObject,
              f.objectKind == .function else { return nil }
        return try call(f, [classValue] + args)
    }
}
