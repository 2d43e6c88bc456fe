import LabCore

/// The `with` statement: entering and leaving a context manager.
extension PyThreadState {
    package func enterContext(_ manager: PyValue) throws(PyError) -> PyValue {
        guard manager.isObject else { throw typeError("'\(typeName(manager))' object does not support the context manager protocol") }
        let o = manager.object
        try check(o)
        if o.kind == .lock {
            try lockAcquire(unsafeDowncast(o, to: PyLock.self), blocking: true, timeoutNanoseconds: nil)
            return .true
        }
        if o.kind == .instance, let method = unsafeDowncast(o, to: PyInstance.self).cls.lookup(runtime.names.enterID) {
            return try call(method, [manager])
        }
        throw typeError("'\(o.typeName)' object does not support the context manager protocol")
    }

    /// Calls `__exit__`; true when it asks to suppress the exception.
    package func exitContext(_ manager: PyValue, exception: PyValue?) throws(PyError) -> Bool {
        let o = manager.object
        if o.kind == .lock {
            try lockRelease(unsafeDowncast(o, to: PyLock.self))
            return false
        }
        if o.kind == .instance, let method = unsafeDowncast(o, to: PyInstance.self).cls.lookup(runtime.names.exitID) {
            var args = [manager, PyValue.none, PyValue.none, PyValue.none]
            if let exception, exception.isObject, let inst = exception.object as? PyInstance {
                args[1] = inst.classValue
                args[2] = exception
            }
            let r = try call(method, args)
            defer { decref(r) }
            guard exception != nil else { return false }
            return try truthy(r)
        }
        return false
    }
}
