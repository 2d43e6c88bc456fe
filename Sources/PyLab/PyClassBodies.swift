import LabCore

/// Class creation and the names a class body reads and writes.
extension PyThreadState {
    package func makeClass(_ code: CodeObject, bases: [PyValue]) throws(PyError) -> PyValue {
        var base: PyClass = runtime.classes.object
        var baseValue = PyValue.object(Unmanaged.passUnretained(runtime.classes.object))
        if let b = bases.first {
            guard b.isObject, b.object.kind == .cls else { throw typeError("a class can only inherit from a class, not '\(typeName(b))'") }
            base = unsafeDowncast(b.object, to: PyClass.self)
            baseValue = b
        }
        incref(baseValue)
        let cls = PyClass(name: code.name, base: base, baseValue: baseValue, attributes: [:], id: runtime.heap.newID(), immortal: false, owner: ownerForNew)
        let value = allocate(cls)
        do throws(PyError) {
            let r = try run(code, namespace: cls)
            decref(r)
        } catch {
            decref(value)
            throw error
        }
        return value
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
        throw error(runtime.classes.nameError, "name '\(text)' is not defined")
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
}
