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
                    let message = exceptionLine(inst)
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
        let inst = unsafeDowncast(error.instance.object, to: PyInstance.self)
        let request = try? withExceptionArguments(inst) { arguments throws(PyError) -> (status: Int32, message: String) in
            if arguments.isEmpty { return (0, "") }
            let code = arguments.count == 1 ? arguments[0] : .none
            if arguments.count == 1 {
                if code == .none { return (0, "") }
                if let n = asInt(code) { return (status(n), "") }
                if code.isObject, let big = code.object as? PyBigInt { return (status(Int(truncatingIfNeeded: big.value)), "") }
            }
            return (1, arguments.count == 1 ? try str(code) : try str(error.instance))
        }
        return request ?? (1, "")
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

    /// A StopIteration that leaves a generator's frame becomes RuntimeError("generator raised StopIteration") (PEP 479),
    /// with the StopIteration as both its `__cause__` and its `__context__`, as CPython makes it: the traceback shows
    /// the StopIteration first, then "The above exception was the direct cause of the following exception". Takes
    /// over `stop`'s exception object.
    func stopIterationOutOfGenerator(_ stop: inout PyError) -> PyError {
        let stopValue = materialize(&stop, frameName: "", line: 0)
        var e = PyError(type: runtime.classes.runtimeError, message: "generator raised StopIteration")
        e.instance = newExceptionInstance(e)
        incref(stopValue)
        setExceptionLink(e.instance, runtime.names.contextID, stopValue)
        setExceptionLink(e.instance, runtime.names.causeID, stopValue)
        setExceptionLink(e.instance, runtime.names.suppressContextID, .true)
        e.contextSettled = true
        return e
    }

    /// Setting a link of an exception object by hand, as CPython checks it: a cause or a context is None or an
    /// exception, `__suppress_context__` a bool; a cause set also hides the context. `args` is kept as a tuple of
    /// the items given. Returns what to store (takes over `value` then).
    func checkExceptionLink(_ exc: PyValue, _ name: Int, _ value: PyValue) throws(PyError) -> PyValue {
        let names = runtime.names
        if name == names.argsID && !(value.isObject && value.object.kind == .tuple) {
            let items = try collect(value)
            decref(value)
            return newTuple(items)
        }
        if name == names.causeID || name == names.contextID {
            guard value == .none || isExceptionObject(value) else {
                throw typeError("exception \(name == names.causeID ? "cause" : "context") must be None or derive from BaseException")
            }
            if name == names.causeID { setExceptionLink(exc, names.suppressContextID, .true) }
        } else if name == names.suppressContextID && !value.isBool {
            throw typeError("attribute value type must be bool")
        }
        return value
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
    package func chainedReport(_ e: PyError) -> String {
        var text = e.report
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
            text = exceptionReport(inst) + "\n\n" + between + "\n\n" + text
            current = next
        }
    }

    private func truthyFlag(_ v: PyValue) -> Bool { v != .false && v != .none && v != .int(0) }

    /// An exception object as a traceback shows it: where it passed, then `Type: message`.
    func exceptionReport(_ inst: PyInstance) -> String {
        let message = exceptionLine(inst)
        var error = PyError(type: inst.cls, message: message)
        error.traceback = inst.traceback.withLock { $0 }
        return error.report
    }
}

/// What CPython's BaseException keeps: `args`, set by `__new__` from the arguments the class is called with and
/// set again by `BaseException.__init__(*args)`, which `str`, `repr` and a traceback's last line read.
extension PyThreadState {
    /// Runs `body` with an exception object's arguments (borrowed for the call): the ones `BaseException.__init__`
    /// (or an assignment to `args`) set last, else the ones its class was called with.
    func withExceptionArguments<T>(_ inst: PyInstance, _ body: ([PyValue]) throws(PyError) -> T) throws(PyError) -> T {
        let argsID = runtime.names.argsID
        guard let set = inst.attributes.withLock({ a -> PyValue? in
            guard let v = a[argsID], v.isObject, v.object.kind == .tuple else { return nil }
            incref(v)
            return v
        }) else { return try body(inst.arguments) }
        defer { decref(set) }
        return try body(unsafeDowncast(set.object, to: PyTuple.self).items)
    }

    /// `str(e)` without a `__str__` of the class's own: nothing, the one argument, or the tuple of them; a KeyError's
    /// one argument is shown as its repr (the key as written), as `KeyError.__str__` does.
    package func exceptionMessage(_ inst: PyInstance) throws(PyError) -> String {
        try exceptionText(inst, asKeyError: inst.cls.isSubclass(of: runtime.classes.keyError))
    }

    func exceptionText(_ inst: PyInstance, asKeyError: Bool) throws(PyError) -> String {
        try withExceptionArguments(inst) { (args: [PyValue]) throws(PyError) -> String in
            switch args.count {
            case 0: return ""
            case 1: return asKeyError ? try repr(args[0]) : try str(args[0])
            default: return "(" + (try args.pyMap { (a: PyValue) throws(PyError) in try repr(a) }).joined(separator: ", ") + ")"
            }
        }
    }

    /// `repr(e)` without a `__repr__` of the class's own: `Name(arg, …)`.
    func exceptionRepr(_ inst: PyInstance, depth: Int) throws(PyError) -> String {
        try withExceptionArguments(inst) { (args: [PyValue]) throws(PyError) -> String in
            "\(inst.cls.name)(" + (try args.pyMap { (a: PyValue) throws(PyError) in try repr(a, depth: depth + 1) }).joined(separator: ", ") + ")"
        }
    }

    /// What a traceback's last line shows after the type: `str(e)`, the class's own `__str__` included; CPython's
    /// words when that fails.
    func exceptionLine(_ inst: PyInstance) -> String {
        guard inst.cls.lookup(runtime.names.strID) != nil else { return (try? exceptionMessage(inst)) ?? "" }
        return (try? str(.object(Unmanaged.passUnretained(inst)))) ?? "<exception str() failed>"
    }

    /// The KeyError of a missing key: its one argument is the key itself (`e.args`, `repr(e)` is `KeyError('a')`),
    /// and its message the key's repr, as CPython raises it.
    package func keyError(_ key: PyValue) throws(PyError) -> PyError {
        let message = try repr(key)
        incref(key)
        let cls = runtime.classes.keyError
        let classValue = PyValue.object(Unmanaged.passUnretained(cls))
        incref(classValue)
        let instance = allocate(PyInstance(cls: cls, classValue: classValue, arguments: [key], id: runtime.heap.newID(), owner: ownerForNew))
        return PyError(type: cls, message: message, instance: instance)
    }

    /// A KeyError whose argument is a sentence (`'pop from an empty set'`).
    package func keyError(saying text: String) -> PyError {
        let key = newString(text)
        defer { decref(key) }
        return (try? keyError(key)) ?? PyError(type: runtime.classes.keyError, message: Self.quote(text))
    }

    /// BaseException's own `__init__`, `__str__` and `__repr__`, which an exception class reaches through `super()`
    /// or by name (`Exception.__init__(self, msg)`, `super().__str__()`): natives, bound to `selfValue` when it is
    /// given (borrowed), else taking the exception first. `owner` is the class the method is found from (a
    /// KeyError's `__str__` is its own). Nil for any other name.
    func baseExceptionMethod(_ name: Int, from owner: PyClass, bound selfValue: PyValue?) -> PyValue? {
        let names = runtime.names
        let method: String
        switch name {
        case names.initID: method = "__init__"
        case names.strID: method = "__str__"
        case names.reprID: method = "__repr__"
        default: return nil
        }
        let asKeyError = owner.isSubclass(of: runtime.classes.keyError)
        let body: BuiltinBody = { ts, a throws(PyError) in
            guard a.count >= 1, ts.isExceptionObject(a[0]) else {
                let what = a.count >= 1 ? "a '\(ts.typeName(a[0]))' object" : "nothing"
                throw ts.typeError("descriptor '\(method)' requires a 'BaseException' object but received \(what)")
            }
            let inst = unsafeDowncast(a[0].object, to: PyInstance.self)
            switch method {
            case "__init__":
                // BaseException.__init__(*args): args again, from these arguments; it takes no keywords.
                guard a.keywords.isEmpty else { throw ts.typeError("\(inst.cls.name)() takes no keyword arguments") }
                var items: [PyValue] = []
                for i in 1..<a.count {
                    ts.incref(a[i])
                    items.append(a[i])
                }
                ts.setExceptionLink(a[0], ts.runtime.names.argsID, ts.newTuple(items))
                return .none
            case "__str__":
                try a.expect(1...1, ts)
                return ts.newString(try ts.exceptionText(inst, asKeyError: asKeyError))
            default:
                try a.expect(1...1, ts)
                return ts.newString(try ts.exceptionRepr(inst, depth: 0))
            }
        }
        let builtin = Builtin(method, body)
        guard let selfValue else { return newNative(builtin, bound: []) }
        incref(selfValue)
        return newNative(builtin, bound: [selfValue])
    }
}
