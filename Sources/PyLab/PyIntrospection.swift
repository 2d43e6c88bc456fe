import LabCore

/// `globals()`, `locals()`, `vars()`, `dir()`, `eval()` and `exec()`: what a program sees of its own names.
///
/// The dicts `globals()`, `locals()` and `vars(obj)` give are snapshots (CPython's `globals()` and `vars(obj)` are
/// live: a write to them changes the variables), so reading works as in CPython and a write through them is refused
/// where conclab can tell (`globals()[k] = v` at once changes nothing; see `Builtins.introspection`).
extension PyThreadState {
    /// The program's global variables that have a value, by name (a module's own slots, named with its prefix, stay
    /// out). Owned references in the dict.
    func globalsSnapshot() throws(PyError) -> PyValue {
        let names = runtime.symbols.withLock { $0.globalNames }
        var pairs: [(String, PyValue)] = []
        for (slot, name) in names.enumerated() where !name.contains(".") {
            let v = PyValue(bits: runtime.globals.values[slot].load(ordering: .acquiring))
            if v != .unbound { pairs.append((name, v)) }
        }
        let snapshot = try dictOf(pairs)
        unsafeDowncast(snapshot.object, to: PyDict.self).snapshot.store(1, ordering: .relaxed)
        return snapshot
    }

    /// The refusal of a change to the dict `globals()` or `vars(obj)` gave (a copy in conclab, live in CPython).
    @inline(__always) package func refuseSnapshotChange(_ d: PyDict) throws(PyError) {
        let kind = d.snapshot.load(ordering: .relaxed)
        guard kind != 0 else { return }
        throw error(runtime.classes.notImplementedError,
                    "conclab's Python does not support changing the dict \(kind == 1 ? "globals()" : "vars() or __dict__") gives (it is a copy, not the variables themselves)")
    }

    /// The calling frame's local variables with a value (a cell's contents for a variable a closure shares); the
    /// globals at module level, as in CPython.
    func localsSnapshot() throws(PyError) -> PyValue {
        let d = depth.pointee
        guard d > 0 else { return try globalsSnapshot() }
        let frame = frames[d - 1]
        let code = frame.code.takeUnretainedValue()
        switch code.kind {
        case .module: return try globalsSnapshot()
        case .classBody:
            throw error(runtime.classes.notImplementedError, "conclab's Python does not support locals() in a class body")
        case .function: break
        }
        var pairs: [(String, PyValue)] = []
        for (i, name) in code.localNames.enumerated() where i < frame.localCount {
            var v = frame.base[i]
            if v.isObject, v.objectKind == .cell { v = unsafeDowncast(v.object, to: PyCell.self).value }
            if v != .unbound { pairs.append((name, v)) }
        }
        return try dictOf(pairs)
    }

    /// A new dict of borrowed values by name.
    private func dictOf(_ pairs: [(String, PyValue)]) throws(PyError) -> PyValue {
        let dict = PyDict(id: runtime.heap.newID(), owner: ownerForNew)
        let value = allocate(dict)
        do throws(PyError) {
            for (name, v) in pairs {
                let key = newString(name)
                defer { decref(key) }
                try dictSet(dict, key, v)
            }
        } catch {
            decref(value)
            throw error
        }
        return value
    }

    /// `vars(obj)`: an instance's attributes as a dict (a snapshot of its `__dict__`).
    func instanceVars(_ v: PyValue) throws(PyError) -> PyValue {
        guard v.isObject, v.objectKind == .instance else {
            throw error(runtime.classes.notImplementedError,
                        "conclab's Python does not support vars() of a \(typeName(v)) (only of an instance, or vars() for the local variables)")
        }
        let inst = unsafeDowncast(v.object, to: PyInstance.self)
        if inst.cls.threadLocal.load(ordering: .relaxed) {
            throw error(runtime.classes.notImplementedError, "conclab's Python does not support vars() of a threading.local")
        }
        let (names, values) = inst.attributes.withLock { ($0.names, Array($0.values)) }
        let snapshot = try dictOf(zip(names, values).map { (runtime.name(ofInterned: $0.0), $0.1) })
        unsafeDowncast(snapshot.object, to: PyDict.self).snapshot.store(2, ordering: .relaxed)
        return snapshot
    }

    /// An instance's or a class's attributes as a list of (name, value) pairs, in the order they were set.
    package func attributePairs(_ map: PyAttributeMap) -> PyValue {
        var pairs: [PyValue] = []
        for (name, value) in zip(map.names, map.values) {
            incref(value)
            pairs.append(newTuple([newString(runtime.name(ofInterned: name)), value]))
        }
        return newList(pairs)
    }

    /// What `object` gives every class and instance in `dir()` (CPython 3.11's list for a plain class).
    static let objectDirNames = ["__class__", "__delattr__", "__dict__", "__dir__", "__doc__", "__eq__", "__format__", "__ge__",
                                 "__getattribute__", "__getstate__", "__gt__", "__hash__", "__init__", "__init_subclass__", "__le__",
                                 "__lt__", "__module__", "__ne__", "__new__", "__reduce__", "__reduce_ex__", "__repr__", "__setattr__",
                                 "__sizeof__", "__str__", "__subclasshook__", "__weakref__"]

    /// `dir()`: the local names, sorted (with the module's own dunders at module level); `dir(x)` of an instance or
    /// a class: its attributes, its classes' and object's, sorted. Refused for other values, whose lists differ.
    func dirNames(_ a: BuiltinArgs) throws(PyError) -> PyValue {
        try a.expect(0...1, self)
        var names: Set<String>
        if a.count == 0 {
            let scope = try localsSnapshot()
            defer { decref(scope) }
            let keys = unsafeDowncast(scope.object, to: PyDict.self).storage.withLock { $0.entries.compactMap { $0?.key } }
            names = Set(keys.compactMap { string($0) })
            let d = depth.pointee
            if d == 0 || frames[d - 1].code.takeUnretainedValue().kind == .module {
                names.formUnion(["__annotations__", "__builtins__", "__cached__", "__doc__", "__file__", "__loader__", "__name__",
                                 "__package__", "__spec__"])
            }
        } else {
            let v = a[0]
            let cls: PyClass
            var own: [Int] = []
            if v.isObject, v.objectKind == .instance {
                let inst = unsafeDowncast(v.object, to: PyInstance.self)
                cls = inst.cls
                if !cls.threadLocal.load(ordering: .relaxed) { own = inst.attributes.withLock { $0.names } }
            } else if v.isObject, v.objectKind == .cls {
                cls = unsafeDowncast(v.object, to: PyClass.self)
            } else {
                throw error(runtime.classes.notImplementedError, "conclab's Python does not support dir() of a \(typeName(v)) (only of an instance or a class)")
            }
            if cls.mro.contains(where: { $0.immortal && $0 !== runtime.classes.object }) {
                throw error(runtime.classes.notImplementedError, "conclab's Python does not support dir() of a built-in class or its subclasses")
            }
            names = Set(Self.objectDirNames)
            for c in cls.mro { names.formUnion(c.attributes.withLock { $0.names }.map { runtime.name(ofInterned: $0) }) }
            names.formUnion(own.map { runtime.name(ofInterned: $0) })
        }
        let sorted = names.sorted { PyKey.textPrecedes($0, $1) }
        return newList(sorted.map { newString($0) })
    }

    /// `eval(source)` and `exec(source)`: the source compiled and run here, with the program's globals. Refused with
    /// a globals or locals dict, and inside a function when the source names one of the function's local variables
    /// (conclab would read the global of that name instead).
    func evaluate(_ a: BuiltinArgs, expression: Bool) throws(PyError) -> PyValue {
        let what = expression ? "eval" : "exec"
        try a.expect(1...3, keywords: ["globals", "locals"], self)
        if a.count > 1 || !a.keywords.isEmpty {
            throw error(runtime.classes.notImplementedError, "conclab's Python does not support \(what)() with a globals or locals dict")
        }
        guard let source = string(a[0]) else {
            if a[0].isObject, a[0].objectKind == .code {
                throw error(runtime.classes.notImplementedError, "conclab's Python does not support \(what)() of a code object")
            }
            throw typeError("\(what)() arg 1 must be a string, bytes or code object")
        }
        let text = expression ? source.trimmed(while: { $0 == " " || $0 == "\t" || $0 == "\n" }) : source
        let d = depth.pointee
        if d > 0 {
            let caller = frames[d - 1].code.takeUnretainedValue()
            if caller.kind != .module {
                let locals = Set(caller.localNames)
                if let tokens = try? Lexer.tokenize(text), let name = tokens.lazy.compactMap({ t -> String? in
                    if case .name(let n) = t.kind, locals.contains(n) { return n }
                    return nil
                }).first {
                    throw error(runtime.classes.notImplementedError,
                                "conclab's Python does not support \(what)() of source that uses the local variable '\(name)' of the function calling it")
                }
            }
        }
        let code: CodeObject
        do throws(PySyntaxError) {
            if expression {
                let body = try Parser.parse(text)
                guard body.count == 1, case .expression = body[0].kind else {
                    throw PySyntaxError(message: "invalid syntax", position: body.first?.position ?? .unknown)
                }
            }
            code = try Compiler.compile(text, runtime: runtime, returnLastValue: expression, name: "<string>")
        } catch {
            throw self.error(runtime.classes.syntaxError, error.message)
        }
        // Functions the source defines keep pointing into its code, so the runtime keeps it.
        runtime.moduleCode.withLock { $0.append(code) }
        let v = try run(code)
        if expression { return v }
        decref(v)
        return .none
    }
}
