import LabOS
import Synchronization
import LabCore

/// How reference counts are updated (`gil refcount …`).
public enum RefcountMode: String, Sendable, CaseIterable {
    /// Read, add, write: exact under the GIL, loses updates without it (CPython's default build).
    case plain
    /// One atomic read-modify-write per update: always exact, costs more, more so when threads share objects.
    case atomic
    /// PEP 703: the thread that made an object counts its own references without atomics; others use atomics.
    case biased
    /// One lock per object instead of the GIL: every update takes the object's own mutex (see `PyObjectLocks.swift`).
    case locked
}

/// Where the thread holding the GIL may be asked to let go of it (`gil switch …`).
public enum SwitchRule: String, Sendable, CaseIterable {
    /// CPython 3.10 and later: only where the eval breaker runs — function entry, backward jumps, after a call.
    case evalBreaker = "eval-breaker"
    /// CPython 3.9 and earlier, which looked after nearly every instruction: also before every load and store of
    /// a name, an attribute or an item (between the add and the store of `x += 1`).
    case anywhere
}

/// The interpreter's switches.
package struct PySettings: Sendable {
    package var gilEnabled = true
    package var refcount = RefcountMode.plain
    package var switchIntervalNanoseconds: Int64 = 5_000_000
    package var switchRule = SwitchRule.evalBreaker
    /// With `refcount locked`: the order `list.extend` takes its two lists' locks in.
    package var lockOrder = ObjectLockOrder.call
    /// `sys.setrecursionlimit`: the deepest a thread's frames go (conclab's own limit, `PyThreadState.maxFrames`,
    /// caps it: a limit set higher stops there, with an error that says so).
    package var recursionLimit = PyThreadState.maxFrames

    package init() {}
}

/// Names the compiler resolves: interned attribute names and the module's global slots.
package struct PySymbols: Sendable {
    package var ids: [String: Int] = [:]
    package var names: [String] = []
    package var globalSlots: [String: Int] = [:]
    package var globalNames: [String] = []
}

/// The module globals every snippet thread shares: a fixed array of slots, each an atomic word (a `PyValue`),
/// so a thread reading a global while another writes it reads one whole value, never a torn one.
package final class GlobalTable: @unchecked Sendable {
    // The buffers are allocated once and never move; every access goes through the atomics.
    package static let capacity = 1 << 15
    package let values: UnsafeMutablePointer<Atomic<UInt64>>
    /// The built-in a name falls back to when the global is unbound (`len`, `range`…), or unbound.
    package let fallback: UnsafeMutablePointer<Atomic<UInt64>>

    package init() {
        values = .allocate(capacity: Self.capacity)
        fallback = .allocate(capacity: Self.capacity)
        for i in 0..<Self.capacity {
            (values + i).initialize(to: Atomic(PyValue.unbound.bits))
            (fallback + i).initialize(to: Atomic(PyValue.unbound.bits))
        }
    }

    deinit {
        values.deinitialize(count: Self.capacity)
        fallback.deinitialize(count: Self.capacity)
        values.deallocate()
        fallback.deallocate()
    }

    @inline(__always) package func load(_ slot: Int) -> PyValue { PyValue(bits: values[slot].load(ordering: .acquiring)) }
    @inline(__always) package func store(_ slot: Int, _ value: PyValue) { values[slot].store(value.bits, ordering: .releasing) }
    @inline(__always) package func exchange(_ slot: Int, _ value: PyValue) -> PyValue {
        PyValue(bits: values[slot].exchange(value.bits, ordering: .acquiringAndReleasing))
    }
    @inline(__always) package func builtin(_ slot: Int) -> PyValue { PyValue(bits: fallback[slot].load(ordering: .acquiring)) }
}

/// What happens between snippet runs: how many threads run snippet code, and the work that must wait until
/// none does (deferred frees of globals, biased counts to merge, the heap check).
package struct WorldState: Sendable {
    package var running: [Int: String] = [:]
    package var deferred: [PyValue] = []
    package var maybeDead: [PyValue] = []
    package var finishedThreads: Set<Int> = []
}

/// The interpreter of one session: globals, heap, GIL and settings shared by every snippet thread.
///
/// Snippets (`py`, `py threads`, and threads started by `thread spawn --py`) run on real OS threads and share
/// the module globals; function locals are private to a call. The GIL (see `GIL.swift`) follows CPython's
/// design and can be switched off; reference counts (see `Refcount.swift` and `RacyRefcount.swift`) can be
/// plain, atomic, biased or locked (one lock per object, `PyObjectLocks.swift`); the heap (see `Heap.swift`) checks every use of a freed object.
public final class PyRuntime: Sendable {
    package let heap = PyHeap()
    package let gil = GIL()
    /// Where threads wait for an object's lock in `refcount locked` mode.
    package let objectLocks = ObjectLockTable()
    package let globals = GlobalTable()
    package let symbols: Locked<PySymbols>
    package let names: PyNames
    /// Built-in methods by receiver kind and interned name.
    package let methods: [PyKind: [Int: Int]]
    /// The same, flat: `methodTable[kind.rawValue * methodNameCount + name]`, -1 for none. Method names are interned
    /// first, so every one is below `methodNameCount`; two dictionary lookups (SipHash twice) cost a tenth of a list append.
    package let methodTable: [Int32]
    package let methodNameCount: Int
    package let methodKindCount: Int
    /// `list.append`'s built-in number, which the eval loop's CALL runs inline.
    package let listAppendIndex: Int
    /// `dict.get`'s, which CALL also runs inline.
    package let dictGetIndex: Int
    package let settingsState = Locked(PySettings())
    package let world = Gate(WorldState())
    package let threadNumbers = Atomic<Int>(0)
    package let builtinValues: [String: PyValue]
    /// `NotImplemented`, what an operator method returns to pass the turn to the other operand (an immortal string
    /// here, so it prints as CPython's; `type()` of it says str).
    package let notImplemented: PyValue
    package let classes: BuiltinClasses
    /// Interned string constants (immortal, shared by every code object).
    package let constants = Locked<[CodePointText: PyValue]>([:])
    /// Interned tuple constants, by their items (themselves interned constants, so equal items have equal bits).
    package let tupleConstants = Locked<[[UInt64]: PyValue]>([:])
    /// Interned float and big integer constants (PyNumbers.swift), by "f" + bit pattern or "i" + decimal digits.
    package let numberConstants = Locked<[String: PyValue]>([:])
    /// The sockets this runtime's programs opened, and where they may connect (PySocketModule.swift).
    package let network = PyNetwork()
    /// The files this runtime's programs opened, and the folder they may be in (PyFileModule.swift).
    package let files = PyFiles()
    /// Where growth becomes a MemoryError.
    package let limits: PyLimits
    /// What `type(x)` gives for kinds with no built-in name to stand for them (`function`, `generator`, `NoneType`).
    package let typeObjects = Locked<[String: PyValue]>([:])
    /// Imported modules by name, and the code their source compiled to (kept alive for their functions).
    package let modules = Locked<[String: PyModule]>([:])
    package let moduleCode = Locked<[CodeObject]>([])

    public convenience init() { self.init(limits: PyLimits()) }

    package init(limits: PyLimits) {
        self.limits = limits
        var table = PySymbols()
        func intern(_ name: String) -> Int {
            if let id = table.ids[name] { return id }
            table.names.append(name)
            table.ids[name] = table.names.count - 1
            return table.names.count - 1
        }
        names = PyNames(intern: intern)
        var methods: [PyKind: [Int: Int]] = [:]
        for (index, builtin) in Builtins.table.enumerated() {
            if let kind = builtin.receiver { methods[kind, default: [:]][intern(builtin.name)] = index }
        }
        self.methods = methods
        methodNameCount = table.names.count
        methodKindCount = (methods.keys.map { Int($0.rawValue) }.max() ?? 0) + 1
        var flat = [Int32](repeating: -1, count: methodKindCount * table.names.count)
        for (kind, byName) in methods {
            for (name, index) in byName { flat[Int(kind.rawValue) * table.names.count + name] = Int32(index) }
        }
        methodTable = flat
        listAppendIndex = methods[.list]?[intern("append")] ?? -1
        dictGetIndex = methods[.dict]?[intern("get")] ?? -1
        symbols = Locked(table)
        let heap = self.heap
        let classes = BuiltinClasses(heap: heap)
        self.classes = classes
        var values: [String: PyValue] = [:]
        for (index, builtin) in Builtins.table.enumerated() where builtin.receiver == nil {
            values[builtin.name] = .builtin(index)
        }
        for cls in classes.all { values[cls.name] = .object(Unmanaged.passUnretained(cls)) }
        let notImplemented = heap.immortal(PyStr("NotImplemented", id: heap.newID(), immortal: true, owner: 0))
        self.notImplemented = notImplemented
        values["NotImplemented"] = notImplemented
        // The program a learner runs is the main module: `if __name__ == "__main__":` holds, as under python3.
        values["__name__"] = heap.immortal(PyStr("__main__", id: heap.newID(), immortal: true, owner: 0))
        builtinValues = values
    }

    /// A runtime with these settings (a clean room: `compare` runs there).
    package convenience init(settings: PySettings) {
        self.init()
        settingsState.withLock { $0 = settings }
        gil.setInterval(settings.switchIntervalNanoseconds)
    }

    package var settings: PySettings { settingsState.withLock { $0 } }

    // MARK: symbols

    package func intern(_ name: String) -> Int {
        symbols.withLock { s in
            if let id = s.ids[name] { return id }
            s.names.append(name)
            s.ids[name] = s.names.count - 1
            return s.names.count - 1
        }
    }

    package func name(ofInterned id: Int) -> String { symbols.withLock { s in id < s.names.count ? s.names[id] : "?" } }

    /// The slot of global `name`; an unbound slot falls back to the built-in `builtinName` (by default the name's own).
    package func globalSlot(_ name: String, builtinName: String? = nil) throws(PySyntaxError) -> Int {
        let slot: Int? = symbols.withLock { s in
            if let slot = s.globalSlots[name] { return slot }
            guard s.globalNames.count < GlobalTable.capacity else { return nil }
            s.globalNames.append(name)
            let slot = s.globalNames.count - 1
            s.globalSlots[name] = slot
            return slot
        }
        guard let slot else {
            throw PySyntaxError(message: "too many global names (the limit is \(GlobalTable.capacity)); run 'py reset'", position: .unknown)
        }
        if let builtin = builtinValues[builtinName ?? name] { globals.fallback[slot].store(builtin.bits, ordering: .releasing) }
        return slot
    }

    package func globalName(_ slot: Int) -> String { symbols.withLock { s in slot < s.globalNames.count ? s.globalNames[slot] : "?" } }

    package var globalCount: Int { symbols.withLock { $0.globalNames.count } }

    /// A string constant: immortal and shared.
    package func constant(_ text: String) -> PyValue {
        constants.withLock { table in
            if let v = table[CodePointText(text)] { return v }
            let v = heap.immortal(PyStr(text, id: heap.newID(), immortal: true, owner: 0))
            table[CodePointText(text)] = v
            return v
        }
    }

    /// A tuple of constants: immortal and shared, made once per distinct tuple (a snippet may keep it in a
    /// global after its code is gone, so it outlives the code that made it).
    package func constantTuple(_ items: [PyValue]) -> PyValue {
        tupleConstants.withLock { table in
            let key = items.map(\.bits)
            if let v = table[key] { return v }
            let v = heap.immortal(PyTuple(items, id: heap.newID(), immortal: true, owner: 0))
            table[key] = v
            return v
        }
    }

    // MARK: threads

    package func newThreadNumber() -> Int { threadNumbers.add(1, ordering: .relaxed).newValue }

    /// Registers a thread about to run snippet code; fails while a safe-point task holds the world.
    package func attach(number: Int, name: String) {
        world.update { $0.running[number] = name }
    }

    /// Unregisters a thread; the last one out runs what waited for a moment with no snippet code running.
    package func detach(_ ts: PyThreadState) {
        let deferred = ts.takeDeferred()
        let isLast = world.update { w -> Bool in
            w.running[ts.number] = nil
            w.finishedThreads.insert(ts.number)
            w.deferred += deferred.values
            w.maybeDead += deferred.maybeDead
            return w.running.isEmpty
        }
        if isLast { _ = safePoint(check: false) }
    }

    package var runningThreads: [Int: String] { world.update { $0.running } }

    /// With no snippet thread running: releases deferred references, merges biased counts, and (when asked)
    /// checks the heap. Returns nil when threads are still running.
    @discardableResult
    package func safePoint(check: Bool) -> HeapReport? {
        world.update { w -> HeapReport? in
            guard w.running.isEmpty else { return nil }
            return safePointLocked(&w, check: check)
        }
    }

    /// The safe-point work, with the world lock held (so no thread can start meanwhile).
    private func safePointLocked(_ w: inout WorldState, check: Bool) -> HeapReport? {
        let work = PyThreadState(runtime: self, name: "safe point", cancellation: nil, attached: false)
        while !w.deferred.isEmpty || !w.maybeDead.isEmpty {
            let deferred = w.deferred
            let maybeDead = w.maybeDead
            w.deferred = []
            w.maybeDead = []
            for value in deferred { work.decref(value) }
            for value in maybeDead { work.mergeBiased(value.object) }
            let leftovers = work.takeDeferred()
            w.deferred += leftovers.values
            w.maybeDead += leftovers.maybeDead
        }
        return check ? heap.check(runtime: self) : nil
    }

    /// Runs `body` with no snippet thread running and none able to start; throws when some run.
    private func withWorldStopped<R>(_ what: String, _ body: (inout WorldState) throws -> R) throws -> R {
        let result = world.update { w -> Result<R, any Error> in
            guard w.running.isEmpty else {
                let names = w.running.values.sorted().joined(separator: ", ")
                return .failure(CommandError("cannot \(what) while \(w.running.count) snippet thread\(w.running.count == 1 ? "" : "s") run (\(names)); wait for them or close them"))
            }
            return Result { try body(&w) }
        }
        return try result.get()
    }

    /// Changes settings; refused while snippet threads run (they read them once, when they start).
    package func changeSettings(_ body: (inout PySettings) throws -> Void) throws {
        try withWorldStopped("change the interpreter") { w in
            let before = settings
            var after = before
            try body(&after)
            if after.refcount != before.refcount || after.gilEnabled != before.gilEnabled {
                // Start the next mode from exact, single shared counts. Without the GIL counts may have been
                // lost: the check corrects them (runs already reported what they found).
                _ = safePointLocked(&w, check: !before.gilEnabled)
                heap.normalize(runtime: self)
            }
            settingsState.withLock { $0 = after }
            gil.setInterval(after.switchIntervalNanoseconds)
        }
    }

    /// `py reset`: forgets every global; frees what only globals kept alive.
    package func reset() throws -> HeapReport {
        try withWorldStopped("reset") { w in
            let ts = PyThreadState(runtime: self, name: "reset", cancellation: nil, attached: false)
            for slot in 0..<globalCount {
                let old = globals.exchange(slot, .unbound)
                if old.isObject && !old.object.isFreed { ts.decref(old) }
            }
            let leftovers = ts.takeDeferred()
            w.deferred += leftovers.values
            w.maybeDead += leftovers.maybeDead
            let report = safePointLocked(&w, check: true) ?? HeapReport()
            heap.forgetGraveyard()
            // Their namespaces were globals: the next import runs them again.
            modules.withLock { $0 = [:] }
            network.closeAll()
            files.closeAll()
            return report
        }
    }

    /// The user's globals (not functions, classes or modules) as result values, for lab checks.
    package func globalsRecord(limit: Int = 64) -> Record {
        let names = symbols.withLock { $0.globalNames }
        var record = Record()
        // Hold the GIL while reading: a snippet thread may be rebinding (and freeing) these objects.
        let ts = PyThreadState(runtime: self, name: "inspect", cancellation: nil, stackCapacity: 64)
        ts.takeGIL()
        defer { ts.finish() }
        for (slot, name) in names.enumerated() where !name.hasPrefix("_") {
            let v = globals.load(slot)
            if v == .unbound || v.isBuiltin { continue }
            if v.isObject {
                let o = v.object
                if o.isFreed { record.append(name, .string("<freed \(o.typeName) #\(o.id)>")); continue }
                if [.function, .cls, .generator, .method, .builtinMethod, .lock].contains(o.kind) { continue }
            }
            if record.fields.count >= limit { break }
            record.append(name, ts.labValue(v))
        }
        return record
    }
}
