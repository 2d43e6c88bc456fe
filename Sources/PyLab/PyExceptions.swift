import BigInt
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
        let tb = line > 0 ? e.traceback + ["line \(line), in \(frameName)"] : e.traceback
        if e.instance != .none {
            let v = e.instance
            e.instance = .none
            if v.isObject, let inst = v.object as? PyInstance {
                inst.traceback.withLock { $0 = tb }
            }
            return v
        }
        let v = newExceptionInstance(e)
        if let inst = v.object as? PyInstance { inst.traceback.withLock { $0 = tb } }
        return v
    }

    /// The exception object of an internal raise (its class and message), owned.
    func newExceptionInstance(_ e: PyError) -> PyValue {
        let classValue = PyValue.object(Unmanaged.passUnretained(e.type))
        incref(classValue)
        let args = e.message.isEmpty ? [] : [newString(e.message)]
        return allocate(PyInstance(cls: e.type, classValue: classValue, arguments: args, id: runtime.heap.newID(), owner: ownerForNew))
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
    /// What a `SystemExit` asks of the program's end, as python3 reads its code: none, `None` or 0 is status 0; an
    /// int is that status (as the OS keeps it, the low 8 bits); anything else is printed to stderr (as `str()`
    /// writes it) and the status is 1. Nil when `error` is not a `SystemExit`.
    package func exitRequest(_ error: PyError) -> (status: Int32, message: String)? {
        guard error.type.isSubclass(of: runtime.classes.systemExit) else { return nil }
        func status(_ n: Int) -> Int32 { Int32(truncatingIfNeeded: n & 0xFF) }
        guard error.instance.isObject, error.instance.object.kind == .instance else {
            if error.message.isEmpty { return (0, "") }
            if let n = Int(error.message) { return (status(n), "") }
            return (1, error.message)
        }
        let arguments = unsafeDowncast(error.instance.object, to: PyInstance.self).arguments
        if arguments.isEmpty { return (0, "") }
        let code = arguments.count == 1 ? arguments[0] : .none
        if arguments.count == 1 {
            if code == .none { return (0, "") }
            if let n = asInt(code) { return (status(n), "") }
            if code.isObject, let big = code.object as? PyBigInt { return (status(Int(truncatingIfNeeded: big.value)), "") }
        }
        let words = arguments.count == 1 ? ((try? str(code)) ?? "") : ((try? str(error.instance)) ?? "")
        return (1, words)
    }
}

/// An exception a handler (an `except`, a `finally`, a `with`'s `__exit__`) is handling: the frame and the stack
/// slot of the handler that caught it, so that an exception escaping the handler also ends the handling.
package struct HandledException {
    let frame: Int
    let slot: Int
    /// Owned.
    let value: PyValue
}

/// Exception chaining: `__cause__` (`raise X from Y`), `__context__` (the exception being handled when another was
/// raised) and `__suppress_context__`, kept in the exception object's attributes; and the report of an uncaught
/// exception with its chain, as CPython prints it.
extension PyThreadState {
    func beginHandling(_ value: PyValue, frame: Int, slot: Int) {
        incref(value)
        handling.append(HandledException(frame: frame, slot: slot, value: value))
    }

    /// The innermost handler is done (it ended, or re-raised).
    func endHandling() {
        if let h = handling.popLast() { decref(h.value) }
    }

    /// An exception reached the handler at `slot` of `frame` (or left `frame`): the handlers inside it are done.
    func endHandling(inside frame: Int, from slot: Int) {
        while let h = handling.last, h.frame > frame || (h.frame == frame && h.slot >= slot) {
            handling.removeLast()
            decref(h.value)
        }
    }

    /// An exception object's link (`__cause__`, `__context__`, `__suppress_context__`), borrowed; nil when unset.
    func exceptionLink(_ v: PyValue, _ name: Int) -> PyValue? {
        guard v.isObject, v.object.kind == .instance else { return nil }
        return unsafeDowncast(v.object, to: PyInstance.self).attributes.withLock { $0[name] }
    }

    /// Sets a link of an exception object (takes over `value`).
    func setExceptionLink(_ v: PyValue, _ name: Int, _ value: PyValue) {
        guard v.isObject, v.object.kind == .instance else { decref(value); return }
        let old = unsafeDowncast(v.object, to: PyInstance.self).attributes.withLock { a in
            defer { a[name] = value }
            return a[name]
        }
        if let old { decref(old) }
    }

    /// What `raise X from cause` does to X: the cause (an exception object, a class to instantiate, or None) becomes
    /// `__cause__` and the context is no longer shown. Takes over `cause`.
    func setCause(_ e: inout PyError, _ cause: PyValue) throws(PyError) {
        var causeValue = cause
        if cause.isObject, cause.object.kind == .cls,
           unsafeDowncast(cause.object, to: PyClass.self).isSubclass(of: runtime.classes.baseException) {
            do throws(PyError) {
                causeValue = try instantiate(unsafeDowncast(cause.object, to: PyClass.self), cause, freeStackStart, count: 0, keywords: nil)
            } catch {
                decref(cause)
                throw error
            }
            decref(cause)
        } else if cause != .none && !isExceptionObject(cause) {
            decref(cause)
            throw typeError("exception causes must derive from BaseException")
        }
        if e.instance == .none { e.instance = newExceptionInstance(e) }
        setExceptionLink(e.instance, runtime.names.causeID, causeValue)
        setExceptionLink(e.instance, runtime.names.suppressContextID, .true)
    }

    /// Setting a link of an exception object by hand, as CPython checks it: a cause or a context is None or an
    /// exception, `__suppress_context__` a bool; a cause set also hides the context.
    func checkExceptionLink(_ exc: PyValue, _ name: Int, _ value: PyValue) throws(PyError) {
        let names = runtime.names
        if name == names.causeID || name == names.contextID {
            guard value == .none || isExceptionObject(value) else {
                throw typeError("exception \(name == names.causeID ? "cause" : "context") must be None or derive from BaseException")
            }
            if name == names.causeID { setExceptionLink(exc, names.suppressContextID, .true) }
        } else if name == names.suppressContextID && !value.isBool {
            throw typeError("attribute value type must be bool")
        }
    }

    func isExceptionObject(_ v: PyValue) -> Bool {
        guard v.isObject, v.object.kind == .instance else { return false }
        return unsafeDowncast(v.object, to: PyInstance.self).cls.isSubclass(of: runtime.classes.baseException)
    }

    /// A new exception takes the one being handled as its `__context__` (once: a re-raise keeps it). As CPython,
    /// a chain that would loop back to the new exception is cut there.
    func settleContext(_ e: inout PyError) {
        guard !e.contextSettled else { return }
        e.contextSettled = true
        guard let handled = handling.last?.value else { return }
        if e.instance == .none { e.instance = newExceptionInstance(e) }
        guard e.instance != handled else { return }
        var link = handled
        while let next = exceptionLink(link, runtime.names.contextID), next != .none {
            if next == e.instance {
                setExceptionLink(link, runtime.names.contextID, .none)
                break
            }
            link = next
        }
        incref(handled)
        setExceptionLink(e.instance, runtime.names.contextID, handled)
    }

    /// The report of an uncaught exception: the exceptions of its chain first, each with CPython's line between.
    package func chainedReport(_ e: PyError, everyFrame: Bool = false) -> String {
        var text = e.report(everyFrame: everyFrame)
        var current = e.instance
        var seen: Set<PyValue> = [current]
        while true {
            let cause = exceptionLink(current, runtime.names.causeID) ?? .none
            let suppressed = exceptionLink(current, runtime.names.suppressContextID).map { truthyFlag($0) } ?? false
            let context = exceptionLink(current, runtime.names.contextID) ?? .none
            let next: PyValue
            let between: String
            if cause != .none {
                next = cause
                between = "The above exception was the direct cause of the following exception:"
            } else if context != .none && !suppressed {
                next = context
                between = "During handling of the above exception, another exception occurred:"
            } else {
                return text
            }
            guard !seen.contains(next), let inst = next.object as? PyInstance else { return text }
            seen.insert(next)
            text = exceptionReport(inst, everyFrame: everyFrame) + "\n\n" + between + "\n\n" + text
            current = next
        }
    }

    private func truthyFlag(_ v: PyValue) -> Bool { v != .false && v != .none && v != .int(0) }

    /// An exception object as a traceback shows it: where it passed, then `Type: message`.
    func exceptionReport(_ inst: PyInstance, everyFrame: Bool = false) -> String {
        let message = (try? exceptionMessage(inst)) ?? ""
        var error = PyError(type: inst.cls, message: message)
        error.traceback = inst.traceback.withLock { $0 }
        return error.report(everyFrame: everyFrame)
    }
}
