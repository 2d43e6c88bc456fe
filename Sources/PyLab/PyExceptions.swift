import LabCore

/// Raising: what `raise` turns into, the exception object a handler sees, and `except` matching.
extension PyThreadState {
    /// The error `raise v` raises (takes over `v`'s reference).
    package func exceptionToRaise(_ v: PyValue) throws(PyError) -> PyError {
        if v.isObject {
            let o = v.object
            if o.kind == .cls {
                let cls = unsafeDowncast(o, to: PyClass.self)
                guard cls.isSubclass(of: runtime.classes.baseException) else {
                    decref(v)
                    return typeError("exceptions must derive from BaseException")
                }
                let instance: PyValue
                do throws(PyError) {
                    instance = try instantiate(cls, v, freeStackStart, count: 0, keywords: nil)
                } catch {
                    decref(v)
                    throw error
                }
                decref(v)
                return try exceptionToRaise(instance)
            }
            if o.kind == .instance {
                let inst = unsafeDowncast(o, to: PyInstance.self)
                if inst.cls.isSubclass(of: runtime.classes.baseException) {
                    let message = (try? exceptionMessage(inst)) ?? ""
                    var e = PyError(type: inst.cls, message: message, instance: v)
                    e.traceback = inst.traceback.withLock { $0 }
                    return e
                }
            }
        }
        let name = typeName(v)
        decref(v)
        return typeError("exceptions must derive from BaseException, not '\(name)'")
    }

    /// The exception object for a handler (owned); the error gives up its own.
    package func materialize(_ e: inout PyError, frameName: String, line: Int) -> PyValue {
        if e.instance != .none {
            let v = e.instance
            e.instance = .none
            if v.isObject, let inst = v.object as? PyInstance {
                let tb = e.traceback + ["line \(line), in \(frameName)"]
                inst.traceback.withLock { $0 = tb }
            }
            return v
        }
        let classValue = PyValue.object(Unmanaged.passUnretained(e.type))
        incref(classValue)
        let args = e.message.isEmpty ? [] : [newString(e.message)]
        let inst = PyInstance(cls: e.type, classValue: classValue, arguments: args, id: runtime.heap.newID(), owner: ownerForNew)
        inst.traceback.withLock { $0 = e.traceback + ["line \(line), in \(frameName)"] }
        return allocate(inst)
    }

    package func exceptionMatches(_ exc: PyValue, _ type: PyValue) throws(PyError) -> Bool {
        guard exc.isObject, let inst = exc.object as? PyInstance else { return false }
        if type.isObject, type.object.kind == .tuple {
            for t in unsafeDowncast(type.object, to: PyTuple.self).items where try exceptionMatches(exc, t) { return true }
            return false
        }
        guard type.isObject, type.object.kind == .cls else {
            throw typeError("catching classes that do not inherit from BaseException is not allowed")
        }
        return inst.cls.isSubclass(of: unsafeDowncast(type.object, to: PyClass.self))
    }
}

extension PyThreadState {
    /// Whether `error` is a `SystemExit` whose code says success (none, `None` or 0): the program simply ended.
    package func endsQuietly(_ error: PyError) -> Bool {
        guard error.type.isSubclass(of: runtime.classes.systemExit) else { return false }
        guard error.instance.isObject, error.instance.object.kind == .instance else { return error.message.isEmpty }
        let arguments = unsafeDowncast(error.instance.object, to: PyInstance.self).arguments
        guard arguments.count == 1 else { return arguments.isEmpty }
        return arguments[0] == .none || asInt(arguments[0]) == 0
    }
}
