import LabOS
import Synchronization
import LabCore

/// An imported module: a name and a namespace.
///
/// A module's namespace lives in the runtime's global table, under slot names that start with `_` and the module's
/// name (`_threading.Thread`), so the module's own functions read their globals with the same `LOAD_GLOBAL` as a
/// snippet's, never see the snippet's names, and `globalsRecord` (which skips names starting with `_`) never shows
/// them. The module object only maps attribute names to those slots. Modules are made once per runtime, on first
/// import, and are immortal (a `py reset` forgets them with the globals).
package final class PyModule: PyObject, @unchecked Sendable {
    package let name: String
    /// The prefix of the module's slot names.
    package let prefix: String
    /// Attribute id → global slot, filled as attributes are read.
    package let slots = Locked<[Int: Int]>([:])
    /// Submodules (`concurrent.futures` is an attribute of `concurrent`).
    package let submodules = Locked<[String: PyValue]>([:])

    package init(name: String, id: Int) {
        self.name = name
        self.prefix = "_" + name + "."
        super.init(kind: .module, id: id, immortal: true, owner: 0)
    }
}

/// A function of a module, written in Swift; `bound` values (kept alive by it) come before the call's arguments
/// (`functools.partial` is one of these).
package final class PyNative: PyObject, @unchecked Sendable {
    package let builtin: Builtin
    package let bound: [PyValue]
    package let released = Atomic<Bool>(false)

    package init(_ builtin: Builtin, bound: [PyValue] = [], id: Int, immortal: Bool, owner: Int) {
        self.builtin = builtin
        self.bound = bound
        super.init(kind: .native, id: id, immortal: immortal, owner: owner)
    }

    package override func references() -> [PyValue] { released.load(ordering: .acquiring) ? [] : bound }
    package override func takeReferences() -> [PyValue] {
        released.exchange(true, ordering: .acquiringAndReleasing) ? [] : bound
    }
}

/// What a module is made of: functions in Swift, then Python source run in the module's namespace (which sees
/// those functions as its globals). Either part may be empty.
package struct ModuleDefinition: Sendable {
    package let name: String
    package let natives: [Builtin]
    package let source: String

    package init(_ name: String, natives: [Builtin] = [], source: String = "") {
        self.name = name
        self.natives = natives
        self.source = source
    }
}

/// The modules `import` finds, and those it refuses with a reason.
package enum ModuleRegistry {
    /// What every module's Python source may use besides its own natives: `_call(f, args, kwargs)` is
    /// `f(*args, **kwargs)`, and `_packed(f)` makes a function that calls `f(args, kwargs)` with whatever it was
    /// given (a Python function taking `*args, **kwargs`, until conclab's Python has them).
    package static let common: [Builtin] = [
        Builtin("_call") { ts, a throws(PyError) in
            try a.expect(3...3, ts)
            let args = try ts.collect(a[1])
            defer { for v in args { ts.decref(v) } }
            var keywords: [(String, PyValue)] = []
            if a[2] != .none {
                guard a[2].isObject, let d = a[2].object as? PyDict else { throw ts.typeError("argument after ** must be a mapping, not \(ts.typeName(a[2]))") }
                for e in d.storage.withLock({ $0.entries.compactMap { $0 } }) {
                    guard let k = ts.string(e.key) else { throw ts.typeError("keywords must be strings") }
                    keywords.append((k, e.value))
                }
            }
            return try ts.call(a[0], args, keywords: keywords)
        },
        Builtin("_packed") { ts, a throws(PyError) in
            try a.expect(1...2, ts)
            let name = a.count == 2 ? ts.string(a[1]) ?? "function" : ThreadingModule.callableName(ts, a[0]) ?? "function"
            ts.incref(a[0])
            return ts.newNative(Builtin(name, packedCall), bound: [a[0]])
        },
    ]

    static let packedCall: BuiltinBody = { ts, a throws(PyError) in
        var items: [PyValue] = []
        for i in 1..<a.count {
            ts.incref(a[i])
            items.append(a[i])
        }
        let args = ts.newTuple(items)
        defer { ts.decref(args) }
        let kwargs = ts.allocate(PyDict(id: ts.runtime.heap.newID(), owner: ts.ownerForNew))
        defer { ts.decref(kwargs) }
        for (k, v) in a.keywords { try ts.dictSet(unsafeDowncast(kwargs.object, to: PyDict.self), ts.runtime.constant(k), v) }
        return try ts.call(a[0], [args, kwargs])
    }

    package static let definitions: [String: ModuleDefinition] = {
        var table: [String: ModuleDefinition] = [:]
        for d in [TimeModule.definition, SysModule.definition, DisModule.definition, ThreadingModule.definition,
                  QueueModule.definition, CollectionsModule.definition, ItertoolsModule.definition,
                  FunctoolsModule.definition, RandomModule.definition, MathModule.definition,
                  ConcurrentModule.package, ConcurrentModule.futures, StructModule.definition,
                  SocketModule.definition, SelectModule.definition, DataclassesModule.definition, FileModule.definition,
                  OSModule.definition, OSModule.path] + stdlibDefinitions {
            table[d.name] = d
        }
        return table
    }()

    /// Modules conclab's Python has only part of: a name it lacks is refused in these words, not an AttributeError.
    package static let partial: [String: @Sendable (String) -> String] = [
        "os": { OSModule.refusal(of: "os." + $0) },
        "os.path": { OSModule.refusal(of: "os.path." + $0) },
        "io": { "conclab's Python does not support io.\($0) (its io has open, TextIOWrapper, BufferedReader, BufferedWriter, BufferedRandom and UnsupportedOperation)" },
    ]

    /// Modules a learner may import that conclab's Python does not have, and what to use instead.
    package static let refused: [String: String] = [
        "multiprocessing": "conclab's Python does not support the module multiprocessing (its processes are conclab's: try 'par compare --py' to run Python in worker processes, or 'proc spawn')",
        "asyncio": "conclab's Python does not support the module asyncio (async and await are not supported; generators show the same suspension)",
        "subprocess": "conclab's Python does not support the module subprocess (use 'proc spawn')",
        "_thread": "conclab's Python does not support the module _thread (use threading)",
        "signal": "conclab's Python does not support the module signal (use 'proc kill')",
    ]
}

extension PyRuntime {
    /// The slot of a global name that exists already, or nil (never makes one).
    package func existingGlobalSlot(_ name: String) -> Int? { symbols.withLock { $0.globalSlots[name] } }
}

extension PyThreadState {
    /// `import name`: the module (a borrowed, immortal value), made and run on first import.
    package func importModule(_ name: String) throws(PyError) -> PyModule {
        if let done = runtime.modules.withLock({ $0[name] }) { return done }
        if let reason = ModuleRegistry.refused[name] ?? ModuleRegistry.refused[String(name.prefix { $0 != "." })] {
            throw error(runtime.classes.moduleNotFoundError, reason)
        }
        guard let definition = ModuleRegistry.definitions[name] else {
            if ModuleRegistry.standardLibraryNames.contains(String(name.prefix { $0 != "." })) {
                throw error(runtime.classes.moduleNotFoundError, "conclab's Python does not support the module \(name)")
            }
            throw error(runtime.classes.moduleNotFoundError, "No module named \(Self.quote(name))")
        }
        let module = PyModule(name: name, id: runtime.heap.newID())
        _ = runtime.heap.immortal(module)
        for native in ModuleRegistry.common + definition.natives {
            let value = runtime.heap.immortal(PyNative(native, id: runtime.heap.newID(), immortal: true, owner: 0))
            let slot: Int
            do throws(PySyntaxError) { slot = try runtime.globalSlot(module.prefix + native.name) } catch {
                throw self.error(runtime.classes.memoryError, error.message)
            }
            runtime.globals.store(slot, value)
        }
        if !definition.source.isEmpty {
            let code: CodeObject
            do throws(PySyntaxError) {
                code = try Compiler.compile(definition.source, runtime: runtime, name: "<module \(name)>", globalPrefix: module.prefix)
            } catch {
                throw self.error(runtime.classes.runtimeError, "conclab's module \(name) does not compile: \(error.description)")
            }
            // The code object must outlive the functions it made: the runtime keeps it.
            runtime.moduleCode.withLock { $0.append(code) }
            let r = try run(code)
            decref(r)
        }
        // Two threads importing at once: the first one stored wins, as with CPython's import lock.
        let stored = runtime.modules.withLock { table -> PyModule in
            if let other = table[name] { return other }
            table[name] = module
            return module
        }
        if let dot = name.lastIndex(of: ".") {
            let parent = try importModule(String(name[..<dot]))
            parent.submodules.withLock { $0[String(name[name.index(after: dot)...])] = .object(Unmanaged.passUnretained(stored)) }
        }
        return stored
    }

    /// IMPORT_NAME: the module for `import a.b` (the top package `a` when `fromList` is None, else `a.b`).
    package func importName(_ nameID: Int, fromList: PyValue) throws(PyError) -> PyValue {
        let name = runtime.name(ofInterned: nameID)
        let module = try importModule(name)
        if fromList == .none, let dot = name.firstIndex(of: ".") {
            return .object(Unmanaged.passUnretained(try importModule(String(name[..<dot]))))
        }
        return .object(Unmanaged.passUnretained(module))
    }

    /// IMPORT_FROM: `from m import name` (an owned reference), or CPython's ImportError.
    package func importFrom(_ module: PyValue, _ nameID: Int) throws(PyError) -> PyValue {
        do throws(PyError) {
            return try getAttribute(module, nameID)
        } catch where error.type.isSubclass(of: runtime.classes.attributeError) {
            let moduleName = (module.isObject ? (module.object as? PyModule)?.name : nil) ?? "?"
            throw self.error(runtime.classes.importError,
                             "cannot import name \(Self.quote(runtime.name(ofInterned: nameID))) from \(Self.quote(moduleName)) (unknown location)")
        }
    }

    /// IMPORT_STAR: binds every public name of the module at module level.
    package func importStar(_ value: PyValue) throws(PyError) {
        guard value.isObject, let module = value.object as? PyModule else { return }
        let names = runtime.symbols.withLock { s in s.globalNames.filter { $0.hasPrefix(module.prefix) } }
        for full in names {
            let short = String(full.dropFirst(module.prefix.count))
            if short.hasPrefix("_") { continue }
            guard let from = runtime.existingGlobalSlot(full) else { continue }
            let v = runtime.globals.load(from)
            if v == .unbound { continue }
            let to: Int
            do throws(PySyntaxError) { to = try runtime.globalSlot(short) } catch { throw self.error(runtime.classes.memoryError, error.message) }
            incref(v)
            let old = runtime.globals.exchange(to, v)
            if old != .unbound { decref(old) }
        }
    }

    /// `module.name` (an owned reference).
    package func moduleAttribute(_ module: PyModule, _ nameID: Int) throws(PyError) -> PyValue {
        if nameID == runtime.names.nameID { return newString(module.name) }
        var slot = module.slots.withLock { $0[nameID] }
        if slot == nil {
            let name = runtime.name(ofInterned: nameID)
            if let sub = module.submodules.withLock({ $0[name] }) { return sub }
            slot = runtime.existingGlobalSlot(module.prefix + name)
            if let found = slot { module.slots.withLock { $0[nameID] = found } }
        }
        if let slot {
            let v = runtime.globals.load(slot)
            if v != .unbound {
                incref(v)
                return v
            }
        }
        let name = runtime.name(ofInterned: nameID)
        // `os.path` after `import os`: a submodule is imported when first named, as CPython's os imports os.path.
        if ModuleRegistry.definitions[module.name + "." + name] != nil {
            return .object(Unmanaged.passUnretained(try importModule(module.name + "." + name)))
        }
        if let refusal = ModuleRegistry.partial[module.name], !name.hasPrefix("__") {
            throw error(runtime.classes.notImplementedError, refusal(name))
        }
        if ModuleRegistry.cpythonAttributes[module.name]?.contains(name) == true {
            throw error(runtime.classes.notImplementedError, "conclab's Python does not support \(module.name).\(name)")
        }
        var e = error(runtime.classes.attributeError, "module \(Self.quote(module.name)) has no attribute \(Self.quote(name))")
        e.hint = missingAttributeError(.object(Unmanaged.passUnretained(module)), nameID).hint
        throw e
    }

    /// Calls a module's Swift function: its bound values, then the call's arguments (borrowed).
    package func callNative(_ native: PyNative, _ args: UnsafeMutablePointer<PyValue>, count: Int, keywords: PyTuple?) throws(PyError) -> PyValue {
        var kw: [(String, PyValue)] = []
        var positional = count
        if let keywords {
            positional = count - keywords.items.count
            for (i, k) in keywords.items.enumerated() { kw.append((string(k) ?? "", args[positional + i])) }
        }
        let n = native.bound.count + positional
        let buffer = UnsafeMutablePointer<PyValue>.allocate(capacity: max(1, n))
        defer { buffer.deallocate() }
        for (i, v) in native.bound.enumerated() { buffer[i] = v }
        for i in 0..<positional { buffer[native.bound.count + i] = args[i] }
        return try native.builtin.body(self, BuiltinArgs(values: buffer, count: n, keywords: kw, name: native.builtin.name))
    }

    /// A new native function object with `bound` values (owned references, handed to it).
    package func newNative(_ builtin: Builtin, bound: [PyValue]) -> PyValue {
        allocate(PyNative(builtin, bound: bound, id: runtime.heap.newID(), immortal: false, owner: ownerForNew))
    }
}
