import Synchronization
import LabCore

/// The eval loop: one `switch` over 32-bit instructions, values in a flat stack, no Swift objects retained or
/// released for ints, and calls between Python functions without Swift recursion (a new frame record, as in
/// CPython 3.11).
///
/// The eval breaker, as in CPython 3.10 and later: the holder of the GIL looks at the drop request only at
/// function entry (`RESUME`), on backward jumps and after a call returns. So a thread switch never falls inside
/// `x += 1` in a loop without calls (its load and store are between two backward jumps), and does fall between
/// the load and the store of `x = x + f()`. With `gil switch anywhere` it also looks before every store to a name,
/// an attribute or an item, as CPython 3.9 and earlier looked after nearly every instruction: then a
/// switch falls between the add and the store of `x += 1` too. Every 1024 backward jumps or calls the loop also
/// checks whether it was asked to stop.
extension PyThreadState {
    /// Runs module (or class-body) code in a new entry frame; returns its value (an owned reference).
    package func run(_ code: CodeObject, namespace: PyClass? = nil, closure: PyValue = .none) throws(PyError) -> PyValue {
        let base = freeStackStart
        let d = depth.pointee
        guard d < frameLimit, base + code.localCount + code.maxStack <= stackLimit else {
            throw recursionError()
        }
        for i in 0..<code.localCount { base[i] = .unbound }
        if closure.isObject, closure.object.kind == .tuple {
            // A class body in a function: the cells of the function's variables, in their slots.
            for (slot, cell) in zip(code.signature.freeSlots, unsafeDowncast(closure.object, to: PyTuple.self).items) {
                incref(cell)
                base[slot] = cell
            }
        }
        frames[d] = FrameRecord(code: Unmanaged.passUnretained(code), pc: 0, base: base, sp: base + code.localCount,
                                resultSlot: base, localCount: code.localCount, generator: nil,
                                namespace: namespace.map { Unmanaged.passUnretained($0) })
        depth.pointee = d + 1
        return try execute(entry: d)
    }

    /// Binds call arguments (positional at `base[0..<positional]`, then keyword values) to a function's
    /// parameters: extra positional ones into `*args`, unknown keywords into `**kwargs`, defaults and keyword-only
    /// defaults filled, the closure's cells put in their slots, and the other locals cleared. The errors are
    /// CPython's.
    package func bindArguments(_ f: PyFunction, base: UnsafeMutablePointer<PyValue>, count: Int, keywords: PyTuple?) throws(PyError) {
        let code = f.code
        let sig = code.signature
        let params = code.argumentCount
        let named = params + sig.keywordOnly
        let kwCount = keywords?.items.count ?? 0
        let positional = count - kwCount
        func fail(_ message: String, extra: [PyValue]) -> PyError {
            for v in extra { decref(v) }
            for i in 0..<code.localCount { decref(base[i]); base[i] = .unbound }
            return typeError(message)
        }
        var kwValues: [PyValue] = []
        if kwCount > 0 {
            for i in positional..<count { kwValues.append(base[i]); base[i] = .unbound }
        }
        var extra: [PyValue] = []
        if positional > params {
            for i in params..<positional { extra.append(base[i]); base[i] = .unbound }
            if !sig.varArgs {
                let given = positional
                let takes = f.defaults.isEmpty || f.defaults.count == params ? "\(params)" : "from \(params - f.defaults.count) to \(params)"
                throw fail("\(code.qualifiedName)() takes \(takes) positional argument\(params == 1 && takes == "1" ? "" : "s") but \(given) \(given == 1 ? "was" : "were") given",
                           extra: extra + kwValues)
            }
        }
        for i in min(positional, params)..<code.localCount { base[i] = .unbound }
        var varKeywords: PyDict?
        if sig.varKeywords {
            varKeywords = PyDict(id: runtime.heap.newID(), owner: ownerForNew)
        }
        if let keywords {
            for (k, nameValue) in keywords.items.enumerated() {
                let key = (nameValue.object as? PyStr)?.value ?? ""
                guard let index = code.localNames[sig.positionalOnly..<named].firstIndex(of: key) else {
                    if let varKeywords {
                        do throws(PyError) { try dictSet(varKeywords, nameValue, kwValues[k]) } catch {
                            throw fail(error.message, extra: extra + kwValues[k...] + [allocate(varKeywords)])
                        }
                        decref(kwValues[k])
                        continue
                    }
                    if code.localNames[0..<sig.positionalOnly].contains(key) {
                        let names = keywords.items.compactMap { ($0.object as? PyStr)?.value }
                            .filter { code.localNames[0..<sig.positionalOnly].contains($0) }
                        throw fail("\(code.qualifiedName)() got some positional-only arguments passed as keyword arguments: '\(names.joined(separator: ", "))'",
                                   extra: extra + kwValues[k...] + (varKeywords.map { [allocate($0)] } ?? []))
                    }
                    throw fail("\(code.qualifiedName)() got an unexpected keyword argument '\(key)'",
                               extra: extra + kwValues[k...] + (varKeywords.map { [allocate($0)] } ?? []))
                }
                if base[index] != .unbound {
                    throw fail("\(code.qualifiedName)() got multiple values for argument '\(key)'",
                               extra: extra + kwValues[k...] + (varKeywords.map { [allocate($0)] } ?? []))
                }
                base[index] = kwValues[k]
            }
        }
        let firstDefault = params - f.defaults.count
        var missing: [String] = []
        for i in min(positional, params)..<params where base[i] == .unbound {
            if i >= firstDefault {
                let v = f.defaults[i - firstDefault]
                incref(v)
                base[i] = v
            } else {
                missing.append("'\(code.localNames[i])'")
            }
        }
        var missingKeywordOnly: [String] = []
        for i in params..<named where base[i] == .unbound {
            if let d = f.keywordDefaults.first(where: { $0.name == code.localNames[i] }) {
                incref(d.value)
                base[i] = d.value
            } else {
                missingKeywordOnly.append("'\(code.localNames[i])'")
            }
        }
        var slot = named
        if sig.varArgs {
            base[slot] = newTuple(extra)
            extra = []
            slot += 1
        }
        if let varKeywords {
            base[slot] = allocate(varKeywords)
        }
        if !missing.isEmpty || !missingKeywordOnly.isEmpty {
            let names = missing.isEmpty ? missingKeywordOnly : missing
            let kind = missing.isEmpty ? "keyword-only" : "positional"
            let list = names.count <= 2 ? names.joined(separator: " and ")
                : names.dropLast().joined(separator: ", ") + ", and " + (names.last ?? "")
            throw fail("\(code.qualifiedName)() missing \(names.count) required \(kind) argument\(names.count == 1 ? "" : "s"): \(list)", extra: extra)
        }
        for (i, free) in sig.freeSlots.enumerated() where i < f.closure.count {
            incref(f.closure[i])
            base[free] = f.closure[i]
        }
    }

    /// Makes a generator from a call of a generator function: the arguments become its saved frame.
    package func makeGenerator(_ function: PyValue, _ f: PyFunction, base: UnsafeMutablePointer<PyValue>, count: Int, keywords: PyTuple?) throws(PyError) -> PyValue {
        let code = f.code
        guard base + code.localCount <= stackLimit else { throw recursionError() }
        try bindArguments(f, base: base, count: count, keywords: keywords)
        incref(function)
        let gen = PyGenerator(function: function, code: code, id: runtime.heap.newID(), owner: ownerForNew)
        for i in 0..<code.localCount {
            gen.frame[i] = base[i]
            base[i] = .unbound
        }
        return allocate(gen)
    }

    /// Runs a generator to its next `yield`. Nil when it is exhausted (its return is StopIteration).
    package func resume(_ gen: PyGenerator) throws(PyError) -> PyValue? {
        let (value, yielded) = try resumeFrame(gen, sending: .none, throwing: nil)
        if yielded { return value }
        decref(value)
        return nil
    }

    /// Runs a generator to its next `yield` (the value, yielded true) or to its end (its return value, yielded
    /// false; None when it had already finished). `sending` (owned) becomes the value of the `yield` it stopped at;
    /// `throwing` is raised there instead, as `gen.throw()` and `gen.close()` do.
    package func resumeGenerator(_ gen: PyGenerator, sending: PyValue = .none, throwing: PyError? = nil) throws(PyError) -> (PyValue, yielded: Bool) {
        try resumeFrame(gen, sending: sending, throwing: throwing)
    }

    /// `resumeGenerator`'s work, inlined into `resume` too: `next(gen)` and a built-in's loop over a generator then
    /// pass no exception (an optional error argument is copied on every call).
    @inline(__always) func resumeFrame(_ gen: PyGenerator, sending: PyValue, throwing: PyError?) throws(PyError) -> (PyValue, yielded: Bool) {
        try check(gen)
        let previous = holdsGIL ? gen.beginHoldingGIL() : gen.begin()
        switch previous {
        case .running:
            decref(sending)
            throw valueError("generator already executing")
        case .finished:
            decref(sending)
            if let throwing { throw throwing }
            return (.none, false)
        case .created:
            if let throwing {
                gen.end(.finished)
                throw throwing
            }
            if sending != .none {
                gen.end(previous)
                decref(sending)
                throw typeError("can't send non-None value to a just-started generator")
            }
        case .suspended: break
        }
        // The code read without retaining it (the generator keeps it).
        let code = Unmanaged.passUnretained(gen.code)
        let (localCount, maxStack) = code._withUnsafeGuaranteedRef { ($0.localCount, $0.maxStack) }
        let base = freeStackStart
        let d = depth.pointee
        let saved = localCount + gen.stackDepth.load(ordering: .relaxed)
        guard d < frameLimit, base + localCount + maxStack <= stackLimit else {
            gen.end(previous)
            throw recursionError()
        }
        let savedFrame = gen.frame
        var i = 0
        while i < saved {
            base[i] = savedFrame[i]
            savedFrame[i] = .unbound
            i += 1
        }
        var sp = base + saved
        var pc = gen.resumeAt.load(ordering: .relaxed)
        var pastResume = false
        if previous == .suspended && throwing == nil {
            let ins = code._withUnsafeGuaranteedRef { $0.executable }
            if sending == .none && UInt8(truncatingIfNeeded: ins[pc]) == Op.resume.rawValue
                && UInt8(truncatingIfNeeded: ins[pc + 1]) == Op.popTop.rawValue {
                // `next(gen)` at a `yield` statement: the None would only be popped, so the frame starts after the
                // RESUME and POP_TOP, whose eval breaker check is made below.
                pc += 2
                pastResume = true
            } else {
                sp[0] = sending // the value of the `yield` expression
                sp += 1
            }
        } else {
            decref(sending)
        }
        // Nil whenever no resumption runs (`execute` takes it at once, and a failure clears it): set only to throw.
        if throwing != nil { pendingThrow = throwing }
        if gen.handlesSomething.load(ordering: .relaxed) && gen.handlesSomething.exchange(false, ordering: .relaxed) {
            for slot in gen.handledSlots.withLock({ s in defer { s = [] }; return s }) where slot < saved {
                beginHandling(base[slot], frame: d, slot: slot)
            }
        }
        frames[d] = FrameRecord(code: code, pc: pc, base: base, sp: sp,
                                resultSlot: base, localCount: localCount, generator: Unmanaged.passUnretained(gen), namespace: nil)
        depth.pointee = d + 1
        if pastResume && gilEnabled && GILView(runtime.gil).dropRequested { yieldGIL() }
        let value: PyValue
        do throws(PyError) {
            value = try execute(entry: d)
        } catch {
            pendingThrow = nil
            gen.end(.finished)
            if error.type === runtime.classes.stopIteration {
                var e = error
                throw stopIterationOutOfGenerator(&e)
            }
            throw error
        }
        if lastExitWasYield {
            gen.end(.suspended)
            return (value, true)
        }
        gen.end(.finished)
        return (value, false)
    }

    /// FOR_ITER's way into a generator without leaving the eval loop: the generator's saved frame is laid at `base`
    /// (the top of the caller's stack, above the generator) and claimed, as `resumeGenerator` does, and the frame
    /// record to run it at depth `d` is returned. Nil, with nothing changed, for anything `resumeGenerator` must
    /// decide (a freed or running or finished generator, no room left): the caller then takes the general path.
    @inline(__always) func enterGenerator(_ genRef: Unmanaged<PyGenerator>, at base: UnsafeMutablePointer<PyValue>,
                                          depth d: Int) -> (frame: FrameRecord, pastResume: Bool)? {
        genRef._withUnsafeGuaranteedRef { gen -> (frame: FrameRecord, pastResume: Bool)? in
            if gen.freedBy.load(ordering: .relaxed) != 0 { return nil }
            let code = Unmanaged.passUnretained(gen.code)
            let (localCount, maxStack) = code._withUnsafeGuaranteedRef { ($0.localCount, $0.maxStack) }
            guard d < frameLimit, base + localCount + maxStack <= stackLimit else { return nil }
            let previous = holdsGIL ? gen.beginHoldingGIL() : gen.begin()
            guard previous == .suspended || previous == .created else { return nil }
            let saved = localCount + gen.stackDepth.load(ordering: .relaxed)
            let savedFrame = gen.frame
            var i = 0
            while i < saved {
                base[i] = savedFrame[i]
                savedFrame[i] = .unbound
                i += 1
            }
            var sp = base + saved
            var pc = gen.resumeAt.load(ordering: .relaxed)
            var pastResume = false
            if previous == .suspended {
                let ins = code._withUnsafeGuaranteedRef { $0.executable }
                if UInt8(truncatingIfNeeded: ins[pc]) == Op.resume.rawValue && UInt8(truncatingIfNeeded: ins[pc + 1]) == Op.popTop.rawValue {
                    // `yield` as a statement: the None FOR_ITER sends would only be popped, so the frame starts
                    // after the RESUME and POP_TOP (the caller makes the RESUME's eval breaker check).
                    pc += 2
                    pastResume = true
                } else {
                    sp[0] = .none // the value of the `yield` expression: FOR_ITER sends nothing
                    sp += 1
                }
            }
            if gen.handlesSomething.load(ordering: .relaxed) && gen.handlesSomething.exchange(false, ordering: .relaxed) {
                for slot in gen.handledSlots.withLock({ s in defer { s = [] }; return s }) where slot < saved {
                    beginHandling(base[slot], frame: d, slot: slot)
                }
            }
            // resultSlot is where a yielded value goes: the slot above the generator in the caller's stack.
            return (FrameRecord(code: code, pc: pc, base: base, sp: sp,
                                resultSlot: base, localCount: localCount, generator: genRef, namespace: nil), pastResume)
        }
    }

    package func releaseInstance(_ e: inout PyError) {
        decref(e.instance)
        e.instance = .none
    }

    /// Calls `callable` with borrowed arguments; returns an owned reference.
    package func call(_ callable: PyValue, _ arguments: [PyValue], keywords: [(String, PyValue)] = []) throws(PyError) -> PyValue {
        let base = freeStackStart
        let n = arguments.count + keywords.count
        guard base + n + 2 < stackLimit else { throw recursionError() }
        incref(callable)
        base[0] = callable
        for (i, a) in arguments.enumerated() {
            incref(a)
            base[1 + i] = a
        }
        for (i, kw) in keywords.enumerated() {
            incref(kw.1)
            base[1 + arguments.count + i] = kw.1
        }
        var kwTuple: PyTuple?
        if !keywords.isEmpty {
            let t = PyTuple(keywords.map { runtime.constant($0.0) }, id: runtime.heap.newID(), immortal: true, owner: 0)
            kwTuple = t
        }
        // A pseudo-frame so nested frames start above these values.
        let d = depth.pointee
        guard d < frameLimit else { throw recursionError() }
        frames[d] = FrameRecord(code: Unmanaged.passUnretained(Self.trampoline), pc: 0, base: base, sp: base + n + 1,
                                resultSlot: base, localCount: n + 1, generator: nil, namespace: nil)
        depth.pointee = d + 1
        defer {
            depth.pointee = d
        }
        do throws(PyError) {
            let result = try callValue(base, count: n, keywords: kwTuple, nestedEntry: true)
            for i in 0...n { decref(base[i]); base[i] = .unbound }
            return result
        } catch {
            for i in 0...n { decref(base[i]); base[i] = .unbound }
            throw error
        }
    }

    /// 3.11's PRECALL: `[NULL, bound method]` becomes `[function, self]`, so CALL sees a plain function call
    /// with one more argument (and takes the fast path for a Python method).
    /// [NULL, obj] for an instance whose class's `__call__` is a Python function: [function, obj], as a bound method
    /// unpacks, so the call runs in this loop instead of a nested one (a recursion through `__call__`, as
    /// `functools.lru_cache` makes, would otherwise stop at the nested-call limit). False for anything else.
    @inline(never) package func unpackCallableInstance(_ slot: UnsafeMutablePointer<PyValue>) -> Bool {
        let inst = unsafeDowncast(slot[1].object, to: PyInstance.self)
        guard inst.freedBy.load(ordering: .relaxed) == 0, let f = inst.cls.lookup(runtime.names.callID),
              f.isObject, f.objectKind == .function else { return false }
        incref(f)
        slot[0] = f
        return true
    }

    @inline(__always) package func unpackBoundMethod(_ slot: UnsafeMutablePointer<PyValue>) {
        let callable = slot[1]
        guard callable.isObject, callable.objectKind == .method else { return }
        let m = unsafeDowncast(callable.object, to: PyMethod.self)
        incref(m.function)
        incref(m.selfValue)
        slot[0] = m.function
        slot[1] = m.selfValue
        decref(callable)
    }

    /// A call the loop does not inline (a built-in, a class, a generator function, a call with keywords), and the
    /// stack after it: what lies from `resultSlot` up to `top` (NULL or method, callable or self, arguments) is
    /// replaced by the result. Returns the new top.
    @inline(__always) package func callAndPop(_ resultSlot: UnsafeMutablePointer<PyValue>, _ calleeSlot: UnsafeMutablePointer<PyValue>, count: Int,
                                              keywords: PyTuple?, top: UnsafeMutablePointer<PyValue>) throws(PyError) -> UnsafeMutablePointer<PyValue> {
        let callee = calleeSlot.pointee
        let r = callee.isBuiltin ? try callBuiltin(callee.builtinIndex, calleeSlot + 1, count: count, keywords: keywords)
            : try callValue(calleeSlot, count: count, keywords: keywords, nestedEntry: false)
        var p = resultSlot
        while p < top { decref(p.pointee); p += 1 }
        resultSlot.pointee = r
        return resultSlot + 1
    }

    /// A global slot's built-in (`len`, `range`…) when the global is unbound, or the NameError CPython raises.
    @inline(never) package func builtinOrNameError(_ slot: Int) throws(PyError) -> PyValue {
        let v = PyValue(bits: runtime.globals.fallback[slot].load(ordering: .acquiring))
        if v == .unbound { throw nameError(runtime.globalName(slot)) }
        return v
    }

    /// `list[i]` for a small int `i` in range (a new reference), read without retaining the list; nil for anything
    /// else (a freed list, an index out of range), which the general `getItem` answers and reports.
    @inline(__always) package func listItem(_ obj: PyValue, _ i: Int) -> PyValue? {
        // The lock's closure captures this thread state unretained: captured strongly, it was retained and released
        // around every read (a sixth of the n-body program's time).
        let me = Unmanaged.passUnretained(self)
        return obj.unmanaged._withUnsafeGuaranteedRef { o -> PyValue? in
            guard o.freedBy.load(ordering: .relaxed) == 0 else { return nil }
            let alone = me._withUnsafeGuaranteedRef { $0.alone }
            return unsafeDowncast(o, to: PyList.self).items.withLock(alone: alone) { items -> PyValue? in
                let j = i < 0 ? i &+ items.count : i
                guard j >= 0 && j < items.count else { return nil }
                let v = items[j]
                me._withUnsafeGuaranteedRef { $0.incref(v) }
                return v
            }
        }
    }

    /// The next item of an iterator over a list (a new reference), `unbound` at its end, read without retaining the
    /// iterator, the list or this thread state; nil for anything else (a tuple's iterator, a freed object), which
    /// the general `iterNext` answers.
    @inline(never) package func listIteratorNext(_ it: PyValue) -> PyValue? {
        let me = Unmanaged.passUnretained(self)
        return it.unmanaged._withUnsafeGuaranteedRef { o -> PyValue? in
            let s = unsafeDowncast(o, to: PySeqIterator.self)
            let seq = s.sequence
            guard s.freedBy.load(ordering: .relaxed) == 0, seq.isObject, seq.objectKind == .list else { return nil }
            return seq.unmanaged._withUnsafeGuaranteedRef { q -> PyValue? in
                guard q.freedBy.load(ordering: .relaxed) == 0 else { return nil }
                let i = s.index.load(ordering: .relaxed)
                let alone = me._withUnsafeGuaranteedRef { $0.alone }
                guard let item = unsafeDowncast(q, to: PyList.self).items.withLock(alone: alone, { i < $0.count ? $0[i] : nil }) else { return .unbound }
                s.index.store(i + 1, ordering: .relaxed)
                me._withUnsafeGuaranteedRef { $0.incref(item) }
                return item
            }
        }
    }

    /// `* // % & | ^` on two small ints whose answer fits the tagged word (Python's floor rules for `//` and `%`); nil
    /// for anything else (division by zero, overflow, the other operators), which the general `binary` answers.
    @inline(never) package func smallIntArithmetic(_ op: Op, _ x: Int, _ y: Int) -> PyValue? {
        switch op {
        case .binaryMul, .inplaceMul:
            let (r, overflow) = x.multipliedReportingOverflow(by: y)
            return overflow ? nil : PyValue.checkedInt(r)
        case .binaryMod, .inplaceMod:
            guard y != 0 else { return nil }
            if let a = Int32(exactly: x), let b = Int32(exactly: y), b != -1 {
                // A 32-bit division is several times quicker than a 64-bit one on x86 (`i % 3` in a loop).
                var r = a % b
                if r != 0 && (r < 0) != (b < 0) { r += b }
                return .int(Int(r))
            }
            var r = x % y
            if r != 0 && (r < 0) != (y < 0) { r += y }
            return .int(r)
        case .binaryFloorDiv, .inplaceFloorDiv:
            guard y != 0 else { return nil }
            var q = x / y
            if x % y != 0 && (x < 0) != (y < 0) { q -= 1 }
            return PyValue.checkedInt(q)
        case .binaryAnd, .inplaceAnd: return .int(x & y)
        case .binaryOr, .inplaceOr: return .int(x | y)
        case .binaryXor, .inplaceXor: return .int(x ^ y)
        default: return nil
        }
    }

    /// LOAD_FAST of a local with no value, in CPython's words.
    @inline(never) package func unboundLocal(_ code: Unmanaged<CodeObject>, _ slot: Int) -> PyError {
        error(runtime.classes.unboundLocalError,
              "cannot access local variable '\(code._withUnsafeGuaranteedRef { $0.localNames[slot] })' where it is not associated with a value")
    }

    /// The result (a new reference) of the built-in `index` called with `count` arguments after `slot` (self first),
    /// for `list.append` and `dict.get` on live objects; nil for any other call, which the built-in then makes.
    /// Out of the loop's body, which stays small enough to keep its registers.
    @inline(never) package func inlineBuiltinCall(_ index: Int, _ slot: UnsafeMutablePointer<PyValue>, count: Int) throws(PyError) -> PyValue? {
        if index == runtime.listAppendIndex && count == 2 && appendToList(slot[1], slot[2]) { return PyValue.none }
        if index == runtime.dictGetIndex && (count == 2 || count == 3) {
            return try dictGetOrDefault(slot[1], slot[2], count == 3 ? slot[3] : .none)
        }
        return nil
    }

    /// `list.append(item)` for a live list below the size limit: takes a new reference to `item`; false for anything
    /// else (nothing done), which the built-in then answers and reports.
    @inline(never) package func appendToList(_ list: PyValue, _ item: PyValue) -> Bool {
        guard list.isObject, list.objectKind == .list else { return false }
        let limit = runtime.limits.listItems
        // Counted before it is in the list, where another thread (GIL off) may already take it out and drop it.
        incref(item)
        let alone = self.alone
        let done = list.unmanaged._withUnsafeGuaranteedRef { o -> Bool in
            guard o.freedBy.load(ordering: .relaxed) == 0 else { return false }
            return unsafeDowncast(o, to: PyList.self).items.withLock(alone: alone) { items -> Bool in
                guard items.count < limit else { return false }
                items.append(item)
                return true
            }
        }
        if !done { decref(item) }
        return done
    }

    /// `list[i] = value` for a small int `i` in range: takes over `value`'s reference and returns the replaced item
    /// (the caller drops it), or nil for anything else, left to the general `storeSubscript`.
    @inline(__always) package func storeListItem(_ obj: PyValue, _ i: Int, _ value: PyValue) -> PyValue? {
        let alone = self.alone
        return obj.unmanaged._withUnsafeGuaranteedRef { o -> PyValue? in
            guard o.freedBy.load(ordering: .relaxed) == 0 else { return nil }
            return unsafeDowncast(o, to: PyList.self).items.withLock(alone: alone) { items -> PyValue? in
                let j = i < 0 ? i &+ items.count : i
                guard j >= 0 && j < items.count else { return nil }
                let old = items[j]
                items[j] = value
                return old
            }
        }
    }

    /// The value a store instruction is about to replace (a local, or a global when `globals` is given), or `unbound`
    /// for any other instruction. Globals are left out under `gil switch anywhere`: there a switch may fall before the
    /// store, and another thread must still read the old string (and may lose this update), as in CPython.
    @inline(__always) package func storeTarget(_ word: UInt32, base: UnsafeMutablePointer<PyValue>, globals: UnsafeMutablePointer<Atomic<UInt64>>?) -> PyValue {
        let arg = Int(word &>> 8)
        switch CodeObject.op(word) {
        case .storeFast: return base[arg]
        case .storeName, .storeGlobal: return globals.map { PyValue(bits: $0[arg].load(ordering: .relaxed)) } ?? .unbound
        default: return .unbound
        }
    }

    /// The eval loop's view of the GIL's drop request, holding the GIL unretained (the runtime keeps it): held as a
    /// strong local, it was retained and released on every entry to the loop, every generator resumption among them.
    package struct GILView {
        let gil: Unmanaged<GIL>
        @inline(__always) init(_ gil: GIL) { self.gil = Unmanaged.passUnretained(gil) }
        @inline(__always) var dropRequested: Bool { gil._withUnsafeGuaranteedRef { $0.dropRequest.load(ordering: .relaxed) != 0 } }
    }

    /// A backward jump: an eval breaker point (the drop request), and every 1024 of them a stop check.
    @inline(__always) package func backwardJumpChecks(_ countdown: inout Int, gil: GILView, gilOn: Bool) throws(PyError) {
        if gilOn && gil.dropRequested { yieldGIL() }
        countdown &-= 1
        if countdown == 0 {
            countdown = 1024
            try periodicCheck()
        }
    }

    package static let trampoline = CodeObject(name: "<call>", kind: .function, instructions: [], constants: [], codes: [], localNames: [],
                                       argumentCount: 0, maxStack: 0, isGenerator: false, positions: [], exceptionTable: [], firstLine: 0)

    /// Calls the callable at `slot[0]` with `count` arguments after it (borrowed). For a Python function this
    /// runs a nested eval loop (the fast path in `execute` avoids it for Python-to-Python calls).
    package func callValue(_ slot: UnsafeMutablePointer<PyValue>, count: Int, keywords: PyTuple?, nestedEntry: Bool) throws(PyError) -> PyValue {
        let callee = slot[0]
        if callee.isBuiltin {
            return try callBuiltin(callee.builtinIndex, slot + 1, count: count, keywords: keywords)
        }
        guard callee.isObject else { throw typeError("'\(typeName(callee))' object is not callable") }
        let o = callee.object
        try check(o)
        switch o.kind {
        case .function:
            let f = unsafeDowncast(o, to: PyFunction.self)
            // Copy the arguments into a fresh entry frame.
            let base = freeStackStart
            let code = f.code
            guard depth.pointee < frameLimit, base + max(count, code.localCount) + code.maxStack + 1 <= stackLimit else {
                throw recursionError()
            }
            for i in 0..<count {
                let v = slot[1 + i]
                incref(v)
                base[i] = v
            }
            if code.isGenerator {
                return try makeGenerator(callee, f, base: base, count: count, keywords: keywords)
            }
            try bindArguments(f, base: base, count: count, keywords: keywords)
            let d = depth.pointee
            frames[d] = FrameRecord(code: Unmanaged.passUnretained(code), pc: 0, base: base, sp: base + code.localCount,
                                    resultSlot: base, localCount: code.localCount, generator: nil, namespace: nil)
            depth.pointee = d + 1
            return try execute(entry: d)
        case .method:
            let m = unsafeDowncast(o, to: PyMethod.self)
            var args = [m.selfValue]
            for i in 0..<count { args.append(slot[1 + i]) }
            return try callWithSelf(m.function, args, keywords: keywords)
        case .builtinMethod:
            // Through `call`, whose frame keeps these arguments below anything the built-in runs.
            let m = unsafeDowncast(o, to: PyBuiltinMethod.self)
            var args = [m.selfValue]
            for i in 0..<count { args.append(slot[1 + i]) }
            return try callWithSelf(.builtin(m.builtin), args, keywords: keywords)
        case .cls:
            return try instantiate(unsafeDowncast(o, to: PyClass.self), callee, slot + 1, count: count, keywords: keywords)
        case .native:
            return try callNative(unsafeDowncast(o, to: PyNative.self), slot + 1, count: count, keywords: keywords)
        case .instance:
            // An instance whose class defines __call__.
            guard let m = unsafeDowncast(o, to: PyInstance.self).cls.lookup(runtime.intern("__call__")) else {
                throw typeError("'\(o.typeName)' object is not callable")
            }
            var args = [callee]
            for i in 0..<count { args.append(slot[1 + i]) }
            return try callWithSelf(m, args, keywords: keywords)
        case .descriptor where unsafeDowncast(o, to: PyDescriptor.self).flavor == .staticmethod:
            // A staticmethod object is callable since 3.10 (a class body can call its own helper).
            var args: [PyValue] = []
            for i in 0..<count { args.append(slot[1 + i]) }
            return try callWithSelf(unsafeDowncast(o, to: PyDescriptor.self).getter, args, keywords: keywords)
        default:
            throw typeError("'\(o.typeName)' object is not callable")
        }
    }

    /// Calls a function value with `args` (self first), borrowed.
    package func callWithSelf(_ function: PyValue, _ args: [PyValue], keywords: PyTuple?) throws(PyError) -> PyValue {
        var kw: [(String, PyValue)] = []
        if let keywords {
            let n = keywords.items.count
            let positional = args.count - n
            for (i, k) in keywords.items.enumerated() { kw.append(((k.object as? PyStr)?.value ?? "", args[positional + i])) }
            return try call(function, Array(args[0..<positional]), keywords: kw)
        }
        return try call(function, args)
    }

    /// `C(args)`: a new instance, then `__init__`; for exception classes the arguments are kept as `args`.
    /// CPython's TypeError for a class of `abc.ABC` whose MRO still resolves a name to an `@abstractmethod`.
    @inline(never) func refuseAbstract(_ cls: PyClass) throws(PyError) {
        let marker = runtime.intern("_conclab_abstract")
        var names: [String] = []
        var seen = Set<Int>()
        for c in cls.mro {
            let (keys, values) = c.attributes.withLock { ($0.names, Array($0.values)) }
            for (key, value) in zip(keys, values) where !seen.contains(key) {
                seen.insert(key)
                guard value.isObject, value.objectKind == .function, cls.lookup(key) == value,
                      unsafeDowncast(value.object, to: PyFunction.self).attributes.withLock({ $0[marker] }) != nil else { continue }
                names.append(runtime.name(ofInterned: key))
            }
        }
        guard !names.isEmpty else { return }
        names.sort()
        throw typeError("Can't instantiate abstract class \(cls.name) with abstract method\(names.count == 1 ? "" : "s") "
                        + names.joined(separator: ", "))
    }

    package func instantiate(_ cls: PyClass, _ classValue: PyValue, _ args: UnsafeMutablePointer<PyValue>, count: Int, keywords: PyTuple?) throws(PyError) -> PyValue {
        if cls === runtime.classes.object && count == 0 {
            incref(classValue)
            return allocate(PyInstance(cls: cls, classValue: classValue, arguments: [], id: runtime.heap.newID(), owner: ownerForNew))
        }
        if cls.abstractBase.load(ordering: .relaxed) { try refuseAbstract(cls) }
        if cls.classHooks.load(ordering: .relaxed) {
            // An enum: `Color(1)` is the member with that value, not a new instance.
            var list: [PyValue] = []
            for i in 0..<count { list.append(args[i]) }
            if keywords != nil { throw typeError("\(cls.name)() takes no keyword arguments in conclab's Python") }
            if let member = try classHook(classValue, "_conclab_class_call", list) { return member }
        }
        let isException = cls.isSubclass(of: runtime.classes.baseException)
        var arguments: [PyValue] = []
        if isException {
            let kwCount = keywords?.items.count ?? 0
            for i in 0..<(count - kwCount) {
                incref(args[i])
                arguments.append(args[i])
            }
        }
        incref(classValue)
        let instance = allocate(PyInstance(cls: cls, classValue: classValue, arguments: arguments, id: runtime.heap.newID(), owner: ownerForNew))
        if let initializer = cls.lookup(runtime.names.initID), !(cls.isImmortalChain && isException) {
            var list = [instance]
            for i in 0..<count { list.append(args[i]) }
            do throws(PyError) {
                let result = try callWithSelf(initializer, list, keywords: keywords)
                if result != .none {
                    decref(result)
                    throw typeError("__init__() should return None, not '\(typeName(result))'")
                }
            } catch {
                decref(instance)
                throw error
            }
        } else if !isException && (count > 0) {
            decref(instance)
            throw typeError("\(cls.name)() takes no arguments")
        }
        return instance
    }

    // MARK: the eval loop

    /// Runs frames from `entry` (already pushed) until that frame returns or yields; unwinds it on an exception.
    package func execute(entry: Int) throws(PyError) -> PyValue {
        var fi = entry
        var frame = frames[fi]
        var ins = frame.code._withUnsafeGuaranteedRef { $0.executable }
        var consts = frame.code._withUnsafeGuaranteedRef { $0.constants }
        var base = frame.base
        var sp = frame.sp
        var pc = frame.pc
        let gvals = runtime.globals.values
        let gil = GILView(runtime.gil)
        /// 0: no GIL; 1: the GIL, looked at where CPython 3.10+ runs its eval breaker; 2: `gil switch anywhere`, where
        /// the drop request is also looked at before every store to a name, an attribute or an item (CPython 3.9
        /// looked after nearly every instruction, between the add and the store of `x += 1` too). Only before
        /// stores: a check before every instruction made loops half again as slow, before every load too a third.
        let gilMode = gilEnabled ? (switchesAnywhere ? 2 : 1) : 0
        var countdown = 1024
        nestedCalls += 1
        defer { nestedCalls -= 1 }
        if nestedCalls > 200 {
            // Deep Swift recursion (built-ins calling snippet code calling built-ins…): stop before the thread's stack does.
            for p in 0..<(sp - base) { decref(base[p]); base[p] = .unbound }
            depth.pointee = entry
            throw error(runtime.classes.recursionError, "maximum recursion depth exceeded (nested calls through built-ins)")
        }
        lastExitWasYield = false

        while true {
            do throws(PyError) {
                if let thrown = pendingThrow {
                    // gen.throw()/close(): the exception is raised at the yield the generator stopped at.
                    pendingThrow = nil
                    throw thrown
                }
                while true {
                    let word = ins[pc]
                    pc &+= 1
                    let arg = Int(word &>> 8)
                    switch unsafeBitCast(UInt8(truncatingIfNeeded: word), to: Op.self) {
                    case .nop:
                        break
                    case .resume:
                        // Function entry (0) or the return to a generator after a yield (1): an eval breaker point.
                        if gilMode != 0 && gil.dropRequested { yieldGIL() }
                    case .loadFast:
                        let v = base[arg]
                        if v == .unbound { throw unboundLocal(frame.code, arg) }
                        incref(v)
                        sp.pointee = v
                        sp += 1
                    case .storeFast:
                        sp -= 1
                        let old = base[arg]
                        base[arg] = sp.pointee
                        decref(old)
                    case .loadConst:
                        let v = consts[arg]
                        incref(v)
                        sp.pointee = v
                        sp += 1
                    case .loadName:
                        // At module level LOAD_NAME reads the global slots (the module's namespace is its globals).
                        var v = PyValue(bits: gvals[arg].load(ordering: .acquiring))
                        if v == .unbound { v = try builtinOrNameError(arg) }
                        incref(v)
                        sp.pointee = v
                        sp += 1
                    case .loadGlobal:
                        // The argument is the slot and, in its low bit, whether a NULL goes first (for a call).
                        let slot = arg &>> 1
                        var v = PyValue(bits: gvals[slot].load(ordering: .acquiring))
                        if v == .unbound { v = try builtinOrNameError(slot) }
                        incref(v)
                        if arg & 1 != 0 {
                            sp.pointee = .null
                            sp += 1
                        }
                        sp.pointee = v
                        sp += 1
                    case .storeGlobal, .storeName:
                        if gilMode == 2 && gil.dropRequested { yieldGIL() }
                        sp -= 1
                        let v = sp.pointee
                        if gilMode != 0 {
                            let old = PyValue(bits: gvals[arg].load(ordering: .relaxed))
                            gvals[arg].store(v.bits, ordering: .releasing)
                            decref(old)
                        } else {
                            // Without the GIL another thread may be reading the old value right now: free it later.
                            let old = PyValue(bits: gvals[arg].exchange(v.bits, ordering: .acquiringAndReleasing))
                            if old.isObject { deferredValues.append(old) }
                        }
                    case .binaryAdd, .inplaceAdd:
                        let b = sp[-1], a = sp[-2]
                        if a.bits & b.bits & 1 != 0 {
                            let (r, o) = Int64(bitPattern: a.bits).addingReportingOverflow(Int64(bitPattern: b.bits) &- 1)
                            if !o {
                                sp[-2] = PyValue(bits: UInt64(bitPattern: r))
                                sp -= 1
                                continue
                            }
                        }
                        if gilMode != 0 && a.isObject && a.objectKind == .str,
                           try concatenateInPlace(a, b, replacing: storeTarget(ins[pc], base: base, globals: gilMode == 1 ? gvals : nil)) {
                            sp -= 1
                            decref(b)
                            continue
                        }
                        if let r = floatArithmetic(unsafeBitCast(UInt8(truncatingIfNeeded: word), to: Op.self), a, b, reuse: gilMode != 0) {
                            sp[-2] = r
                            sp -= 1
                            continue
                        }
                        let r = try binary(unsafeBitCast(UInt8(truncatingIfNeeded: word), to: Op.self), a, b)
                        sp -= 2
                        decref(a)
                        decref(b)
                        sp.pointee = r
                        sp += 1
                    case .binarySub, .inplaceSub:
                        let b = sp[-1], a = sp[-2]
                        if a.bits & b.bits & 1 != 0 {
                            let (r, o) = Int64(bitPattern: a.bits).subtractingReportingOverflow(Int64(bitPattern: b.bits) &- 1)
                            if !o {
                                sp[-2] = PyValue(bits: UInt64(bitPattern: r))
                                sp -= 1
                                continue
                            }
                        }
                        if let r = floatArithmetic(unsafeBitCast(UInt8(truncatingIfNeeded: word), to: Op.self), a, b, reuse: gilMode != 0) {
                            sp[-2] = r
                            sp -= 1
                            continue
                        }
                        let r = try binary(unsafeBitCast(UInt8(truncatingIfNeeded: word), to: Op.self), a, b)
                        sp -= 2
                        decref(a)
                        decref(b)
                        sp.pointee = r
                        sp += 1
                    case .binaryMul, .binaryFloorDiv, .binaryMod, .binaryPow, .binaryTrueDiv, .binaryAnd, .binaryOr, .binaryXor,
                         .binaryLShift, .binaryRShift, .inplaceMul, .inplaceFloorDiv, .inplaceMod, .inplacePow, .inplaceTrueDiv,
                         .inplaceAnd, .inplaceOr, .inplaceXor, .inplaceLShift, .inplaceRShift:
                        let b = sp[-1], a = sp[-2]
                        if a.bits & b.bits & 1 != 0, UInt8(truncatingIfNeeded: word) == Op.binaryMul.rawValue {
                            // Two small ints multiplied here, the commonest of these (`i * 2`), without a call.
                            let (r, o) = a.intValue.multipliedReportingOverflow(by: b.intValue)
                            if !o, let v = PyValue.checkedInt(r) {
                                sp[-2] = v
                                sp -= 1
                                continue
                            }
                        }
                        if a.bits & b.bits & 1 != 0, let r = smallIntArithmetic(unsafeBitCast(UInt8(truncatingIfNeeded: word), to: Op.self), a.intValue, b.intValue) {
                            sp[-2] = r
                            sp -= 1
                            continue
                        }
                        if let r = floatArithmetic(unsafeBitCast(UInt8(truncatingIfNeeded: word), to: Op.self), a, b, reuse: gilMode != 0) {
                            sp[-2] = r
                            sp -= 1
                            continue
                        }
                        let r = try binary(unsafeBitCast(UInt8(truncatingIfNeeded: word), to: Op.self), a, b)
                        sp -= 2
                        decref(a)
                        decref(b)
                        sp.pointee = r
                        sp += 1
                    case .compareLT:
                        let b = sp[-1], a = sp[-2]
                        if a.bits & b.bits & 1 != 0 {
                            sp[-2] = Int64(bitPattern: a.bits) < Int64(bitPattern: b.bits) ? .true : .false
                            sp -= 1
                            continue
                        }
                        let r = try compare(.compareLT, a, b)
                        sp -= 2; decref(a); decref(b); sp.pointee = r; sp += 1
                    case .compareLE:
                        let b = sp[-1], a = sp[-2]
                        if a.bits & b.bits & 1 != 0 {
                            sp[-2] = Int64(bitPattern: a.bits) <= Int64(bitPattern: b.bits) ? .true : .false
                            sp -= 1
                            continue
                        }
                        let r = try compare(.compareLE, a, b)
                        sp -= 2; decref(a); decref(b); sp.pointee = r; sp += 1
                    case .compareGT:
                        let b = sp[-1], a = sp[-2]
                        if a.bits & b.bits & 1 != 0 {
                            sp[-2] = Int64(bitPattern: a.bits) > Int64(bitPattern: b.bits) ? .true : .false
                            sp -= 1
                            continue
                        }
                        let r = try compare(.compareGT, a, b)
                        sp -= 2; decref(a); decref(b); sp.pointee = r; sp += 1
                    case .compareGE:
                        let b = sp[-1], a = sp[-2]
                        if a.bits & b.bits & 1 != 0 {
                            sp[-2] = Int64(bitPattern: a.bits) >= Int64(bitPattern: b.bits) ? .true : .false
                            sp -= 1
                            continue
                        }
                        let r = try compare(.compareGE, a, b)
                        sp -= 2; decref(a); decref(b); sp.pointee = r; sp += 1
                    case .compareEQ, .compareNE:
                        let b = sp[-1], a = sp[-2]
                        let isEQ = unsafeBitCast(UInt8(truncatingIfNeeded: word), to: Op.self) == .compareEQ
                        if a.bits & b.bits & 1 != 0 {
                            sp[-2] = (a == b) == isEQ ? .true : .false
                            sp -= 1
                            continue
                        }
                        let r: PyValue
                        if (a.isObject && a.objectKind == .instance) || (b.isObject && b.objectKind == .instance) {
                            r = try richEquality(a, b, negated: !isEQ)
                        } else {
                            r = try equals(a, b) == isEQ ? .true : .false
                        }
                        sp -= 2; decref(a); decref(b); sp.pointee = r; sp += 1
                    case .isOp, .isNotOp:
                        let b = sp[-1], a = sp[-2]
                        let same = (a == b) == (unsafeBitCast(UInt8(truncatingIfNeeded: word), to: Op.self) == .isOp)
                        sp -= 2; decref(a); decref(b); sp.pointee = same ? .true : .false; sp += 1
                    case .containsOp, .notContainsOp:
                        let container = sp[-1], item = sp[-2]
                        let found = try contains(container, item) == (unsafeBitCast(UInt8(truncatingIfNeeded: word), to: Op.self) == .containsOp)
                        sp -= 2; decref(container); decref(item); sp.pointee = found ? .true : .false; sp += 1
                    case .popJumpForwardIfFalse:
                        let v = sp[-1]
                        if v == .false { sp -= 1; pc = arg; continue }
                        if v == .true { sp -= 1; continue }
                        let t = try truthy(v)
                        sp -= 1
                        decref(v)
                        if !t { pc = arg }
                    case .popJumpForwardIfTrue:
                        let v = sp[-1]
                        if v == .true { sp -= 1; pc = arg; continue }
                        if v == .false { sp -= 1; continue }
                        let t = try truthy(v)
                        sp -= 1
                        decref(v)
                        if t { pc = arg }
                    case .popJumpBackwardIfFalse, .popJumpBackwardIfTrue:
                        let v = sp[-1]
                        let t: Bool
                        if v == .true || v == .false {
                            t = v == .true
                        } else {
                            t = try truthy(v)
                            decref(v)
                        }
                        sp -= 1
                        if t == (unsafeBitCast(UInt8(truncatingIfNeeded: word), to: Op.self) == .popJumpBackwardIfTrue) {
                            pc = arg
                            try backwardJumpChecks(&countdown, gil: gil, gilOn: gilMode != 0)
                        }
                    case .popJumpForwardIfNone, .popJumpForwardIfNotNone, .popJumpBackwardIfNone, .popJumpBackwardIfNotNone:
                        let v = sp[-1]
                        sp -= 1
                        decref(v)
                        let jumpOp = unsafeBitCast(UInt8(truncatingIfNeeded: word), to: Op.self)
                        if (v == .none) == (jumpOp == .popJumpForwardIfNone || jumpOp == .popJumpBackwardIfNone) {
                            pc = arg
                            if jumpOp == .popJumpBackwardIfNone || jumpOp == .popJumpBackwardIfNotNone {
                                try backwardJumpChecks(&countdown, gil: gil, gilOn: gilMode != 0)
                            }
                        }
                    case .jumpIfFalseOrPop:
                        let v = sp[-1]
                        if try !truthy(v) { pc = arg } else { sp -= 1; decref(v) }
                    case .jumpIfTrueOrPop:
                        let v = sp[-1]
                        if try truthy(v) { pc = arg } else { sp -= 1; decref(v) }
                    case .jumpForward:
                        pc = arg
                    case .jumpBackward:
                        pc = arg
                        try backwardJumpChecks(&countdown, gil: gil, gilOn: gilMode != 0)
                    case .compareLTJump, .compareLEJump, .compareGTJump, .compareGEJump, .compareEQJump, .compareNEJump:
                        // A compare and the conditional jump after it, for two ints; anything else runs the plain
                        // compare and lets the jump (still at pc) run next. The argument says when the jump is
                        // taken (bit 0: when the comparison holds) and whether it goes backward (bit 1).
                        let b = sp[-1], a = sp[-2]
                        let fusedOp = unsafeBitCast(UInt8(truncatingIfNeeded: word), to: Op.self)
                        if a.bits & b.bits & 1 != 0 {
                            let x = Int64(bitPattern: a.bits), y = Int64(bitPattern: b.bits)
                            let holds: Bool
                            switch fusedOp {
                            case .compareLTJump: holds = x < y
                            case .compareLEJump: holds = x <= y
                            case .compareGTJump: holds = x > y
                            case .compareGEJump: holds = x >= y
                            case .compareEQJump: holds = x == y
                            default: holds = x != y
                            }
                            sp -= 2
                            if holds == (arg & 1 != 0) {
                                pc = Int(ins[pc] &>> 8)
                                if arg & 2 != 0 {
                                    try backwardJumpChecks(&countdown, gil: gil, gilOn: gilMode != 0)
                                }
                            } else {
                                pc += 1
                            }
                            continue
                        }
                        let r: PyValue
                        switch fusedOp {
                        case .compareLTJump: r = try compare(.compareLT, a, b)
                        case .compareLEJump: r = try compare(.compareLE, a, b)
                        case .compareGTJump: r = try compare(.compareGT, a, b)
                        case .compareGEJump: r = try compare(.compareGE, a, b)
                        case .compareEQJump: r = .bool(try equals(a, b))
                        default: r = .bool(try notEquals(a, b))
                        }
                        sp -= 2; decref(a); decref(b); sp.pointee = r; sp += 1
                    case .loadFastLoadConst, .loadFastItemConst, .loadFastItemConstKeep:
                        let v = base[arg & 0xfff]
                        let fusedOp = UInt8(truncatingIfNeeded: word)
                        if fusedOp != Op.loadFastLoadConst.rawValue {
                            // `x[k]` of a local list at a constant int: the item alone goes on the stack (and, for
                            // `x[k] op= …`, the list and the index under it, as the two COPYs leave them). Anything
                            // else pushes the local and the constant and runs the instructions after them as they are.
                            let c = consts[arg >> 12]
                            if c.isInt && v.isObject && v.objectKind == .list, let item = listItem(v, c.intValue) {
                                if fusedOp == Op.loadFastItemConst.rawValue {
                                    sp.pointee = item
                                    sp += 1
                                    pc += 2
                                } else {
                                    incref(v)
                                    sp[0] = v
                                    sp[1] = c
                                    sp[2] = item
                                    sp += 3
                                    pc += 4
                                }
                                continue
                            }
                        }
                        if v == .unbound { throw unboundLocal(frame.code, arg & 0xfff) }
                        let c = consts[arg >> 12]
                        incref(v)
                        incref(c)
                        sp[0] = v
                        sp[1] = c
                        sp += 2
                        pc += 1
                    case .loadFastLoadFast:
                        let v = base[arg & 0xfff], w = base[arg >> 12]
                        if v == .unbound || w == .unbound {
                            // Run as the first LOAD_FAST alone; the second (still in place) raises for itself.
                            if v == .unbound { throw unboundLocal(frame.code, arg & 0xfff) }
                            incref(v)
                            sp.pointee = v
                            sp += 1
                            continue
                        }
                        incref(v)
                        incref(w)
                        sp[0] = v
                        sp[1] = w
                        sp += 2
                        pc += 1
                    case .loadFastLoadAttr:
                        // `self.x`: the attribute of a local instance found in its own attributes, with the instance
                        // never pushed; anything else pushes the local and lets the LOAD_ATTR after it run.
                        let v = base[arg & 0xfff]
                        if v.isObject && v.objectKind == .instance, let a = ownAttribute(v, arg >> 12) {
                            sp.pointee = a
                            sp += 1
                            pc += 1
                            continue
                        }
                        if v == .unbound { throw unboundLocal(frame.code, arg & 0xfff) }
                        incref(v)
                        sp.pointee = v
                        sp += 1
                    case .loadFastStoreAttr:
                        // `self.x = value` for a name the instance already has (`replaceOwnAttribute`'s cases).
                        let v = base[arg & 0xfff]
                        if v.isObject && v.objectKind == .instance {
                            if gilMode == 2 && gil.dropRequested { yieldGIL() }
                            if replaceOwnAttribute(v, arg >> 12, sp[-1]) {
                                sp -= 1
                                pc += 1
                                continue
                            }
                        }
                        if v == .unbound { throw unboundLocal(frame.code, arg & 0xfff) }
                        incref(v)
                        sp.pointee = v
                        sp += 1
                    case .loadFastLoadMethod:
                        // `obj.m(…)` on a local instance: `instanceMethod`'s two slots, or the local pushed and the
                        // LOAD_METHOD after it run.
                        let v = base[arg & 0xfff]
                        if v.isObject && v.objectKind != .instance, let (method, receiver) = builtinMethodUnretained(v, arg >> 12) {
                            // `out.append`, `counts.get`: the built-in and the container as its self.
                            incref(v)
                            sp[0] = method
                            sp[1] = receiver
                            sp += 2
                            pc += 1
                            continue
                        }
                        if v.isObject && v.objectKind == .instance, let (first, second) = instanceMethod(v, arg >> 12) {
                            // A method: the instance goes into the self slot with a reference of its own.
                            if first != .null { incref(second) }
                            sp[0] = first
                            sp[1] = second
                            sp += 2
                            pc += 1
                            continue
                        }
                        if v == .unbound { throw unboundLocal(frame.code, arg & 0xfff) }
                        incref(v)
                        sp.pointee = v
                        sp += 1
                    case .swapStoreSubscr:
                        // SWAP 3, SWAP 2, STORE_SUBSCR: the stack holds the container, the index and the new value.
                        let value = sp[-1], index = sp[-2], obj = sp[-3]
                        if index.isInt && obj.isObject && obj.objectKind == .list {
                            if gilMode == 2 && gil.dropRequested { yieldGIL() }
                            if let old = storeListItem(obj, index.intValue, value) {
                                sp -= 3
                                decref(obj)
                                decref(old)
                                pc += 2
                                continue
                            }
                        }
                        // The two swaps; the STORE_SUBSCR after them runs next.
                        sp[-3] = value
                        sp[-2] = obj
                        sp[-1] = index
                        pc += 1
                    case .loadGlobalLoadConst:
                        let slot = arg & 0xfff
                        var v = PyValue(bits: gvals[slot].load(ordering: .acquiring))
                        if v == .unbound { v = try builtinOrNameError(slot) }
                        let c = consts[arg >> 12]
                        incref(v)
                        incref(c)
                        sp[0] = v
                        sp[1] = c
                        sp += 2
                        pc += 1
                    case .addStoreFast, .subtractStoreFast:
                        // An add (or subtract) and the STORE_FAST after it, for two ints without overflow;
                        // anything else runs the plain operation and lets the store (still at pc) run next.
                        let b = sp[-1], a = sp[-2]
                        let isAdd = unsafeBitCast(UInt8(truncatingIfNeeded: word), to: Op.self) == .addStoreFast
                        if a.bits & b.bits & 1 != 0 {
                            let (r, o) = isAdd ? Int64(bitPattern: a.bits).addingReportingOverflow(Int64(bitPattern: b.bits) &- 1)
                                : Int64(bitPattern: a.bits).subtractingReportingOverflow(Int64(bitPattern: b.bits) &- 1)
                            if !o {
                                sp -= 2
                                let old = base[arg]
                                base[arg] = PyValue(bits: UInt64(bitPattern: r))
                                decref(old)
                                pc += 1
                                continue
                            }
                        }
                        if isAdd && gilMode != 0 && a.isObject && a.objectKind == .str, try concatenateInPlace(a, b, replacing: base[arg]) {
                            sp -= 1
                            decref(b)
                            continue
                        }
                        if let r = floatArithmetic(isAdd ? .binaryAdd : .binarySub, a, b, reuse: gilMode != 0) {
                            sp[-2] = r
                            sp -= 1
                            continue
                        }
                        // The instruction it replaced: `+=` on a list must stay in place.
                        let original = CodeObject.op(frame.code._withUnsafeGuaranteedRef { $0.instructions[pc - 1] })
                        let r = try binary(original, a, b)
                        sp -= 2; decref(a); decref(b); sp.pointee = r; sp += 1
                    case .popTop:
                        sp -= 1
                        let v = sp.pointee
                        decref(v)
                    case .pushNull:
                        sp.pointee = .null
                        sp += 1
                    case .copy:
                        let v = sp[-arg]
                        incref(v)
                        sp.pointee = v
                        sp += 1
                    case .swap:
                        let t = sp[-1]; sp[-1] = sp[-arg]; sp[-arg] = t
                    case .forIter:
                        let it = sp[-1]
                        if it.isObject, it.objectKind == .rangeIterator {
                            let next: Int? = it.unmanaged._withUnsafeGuaranteedRef { o in
                                let r = unsafeDowncast(o, to: PyRangeIterator.self)
                                let n = r.next.load(ordering: .relaxed)
                                guard r.step > 0 ? n < r.stop : n > r.stop else { return nil }
                                r.next.store(n &+ r.step, ordering: .relaxed)
                                return n
                            }
                            if let n = next {
                                sp.pointee = .int(n)
                                sp += 1
                            } else {
                                sp -= 1
                                decref(it)
                                pc = arg
                            }
                            continue
                        }
                        if it.isObject, it.objectKind == .seqIterator, let next = listIteratorNext(it) {
                            if next == .unbound {
                                sp -= 1
                                decref(it)
                                pc = arg
                            } else {
                                sp.pointee = next
                                sp += 1
                            }
                            continue
                        }
                        frames[fi].pc = pc
                        frames[fi].sp = sp
                        if it.isObject, it.objectKind == .generator,
                           let (genFrame, pastResume) = enterGenerator(Unmanaged<PyGenerator>.fromOpaque(it.unmanaged.toOpaque()), at: sp, depth: fi + 1) {
                            // A generator runs in this loop as a called function does (no Swift recursion per item):
                            // its YIELD_VALUE puts the value above it here and comes back after this FOR_ITER, its
                            // RETURN_VALUE pops it and jumps past the loop, and an exception out of it finishes it
                            // (see those instructions and the handler search).
                            fi += 1
                            frame = genFrame
                            frames[fi] = frame
                            depth.pointee = fi + 1
                            ins = frame.code._withUnsafeGuaranteedRef { $0.executable }
                            consts = frame.code._withUnsafeGuaranteedRef { $0.constants }
                            base = frame.base
                            sp = frame.sp
                            // Where the generator starts after its RESUME, this is that RESUME's eval breaker check.
                            if pastResume && gilMode != 0 && gil.dropRequested { yieldGIL() }
                            pc = frame.pc
                            continue
                        }
                        if let next = try iterNext(it) {
                            sp.pointee = next
                            sp += 1
                        } else {
                            sp -= 1
                            decref(it)
                            pc = arg
                        }
                    case .getIter:
                        let v = sp[-1]
                        frames[fi].sp = sp
                        let it = try iterate(v)
                        decref(v)
                        sp[-1] = it
                    case .kwNames:
                        // KW_NAMES k, PRECALL n, CALL n: a call with keyword arguments never takes the fast path, so it
                        // is made here, with the names, and the PRECALL and CALL after it are stepped over (the loop
                        // keeps no register for the names that way).
                        let n = Int(ins[pc] &>> 8)
                        pc &+= 2
                        let names = consts[arg]
                        guard names.isObject, let keywords = names.object as? PyTuple else { throw typeError("bad keyword names") }
                        let resultSlot = sp - n - 2
                        let calleeSlot = resultSlot.pointee == .null ? resultSlot + 1 : resultSlot
                        frames[fi].pc = pc
                        frames[fi].sp = sp
                        sp = try callAndPop(resultSlot, calleeSlot, count: resultSlot.pointee == .null ? n : n + 1, keywords: keywords, top: sp)
                        if gilMode != 0 && gil.dropRequested { yieldGIL() }
                    case .precall:
                        if sp[-arg - 2] == .null { unpackBoundMethod(sp - arg - 2) }
                    case .call, .precallCall:
                        // [NULL, callable, args…] or [method, self, args…] (self is one more argument); 3.11's CALL.
                        // Fused with its PRECALL, the bound method a PRECALL would unpack is left to `callValue`
                        // (the same call, off the fast path), so a plain call pays nothing for it.
                        if unsafeBitCast(UInt8(truncatingIfNeeded: word), to: Op.self) == .precallCall { pc &+= 1 }
                        let resultSlot = sp - arg - 2
                        var calleeSlot = resultSlot
                        var argc = arg
                        if resultSlot.pointee == .null {
                            calleeSlot = resultSlot + 1
                        } else {
                            argc = arg + 1
                        }
                        var callee = calleeSlot.pointee
                        if resultSlot.pointee == .null, callee.isObject, callee.objectKind == .instance, unpackCallableInstance(resultSlot) {
                            // `obj(…)` with a Python `__call__`: [function, obj, args…], run as a method call.
                            calleeSlot = resultSlot
                            argc = arg + 1
                            callee = resultSlot.pointee
                        }
                        countdown &-= 1
                        if countdown == 0 {
                            countdown = 1024
                            try periodicCheck()
                        }
                        if callee.isObject, callee.objectKind == .function {
                            // Read what the call needs without retaining the function or its code.
                            let f = callee.unmanaged._withUnsafeGuaranteedRef { o -> (Unmanaged<CodeObject>, Int, Int, Int, Bool, UnsafeMutablePointer<UInt32>, UnsafeMutablePointer<PyValue>, Bool) in
                                let f = unsafeDowncast(o, to: PyFunction.self)
                                return (f.codeRef, f.argumentCount, f.localCount, f.maxStack, f.isGenerator, f.instructions, f.constants,
                                        f.freedBy.load(ordering: .relaxed) != 0)
                            }
                            if f.7 { try check(callee.object) }
                            if !f.4 {
                                let localCount = f.2
                                let newBase = calleeSlot + 1
                                guard fi + 1 < frameLimit, newBase + localCount + f.3 <= stackLimit else {
                                    throw recursionError()
                                }
                                if argc == f.1 {
                                    var i = argc
                                    while i < localCount { newBase[i] = .unbound; i += 1 }
                                } else {
                                    frames[fi].sp = sp
                                    try bindArguments(unsafeDowncast(callee.object, to: PyFunction.self), base: newBase, count: argc, keywords: nil)
                                }
                                frames[fi].pc = pc
                                frames[fi].sp = resultSlot
                                fi += 1
                                frame = FrameRecord(code: f.0, pc: 0, base: newBase, sp: newBase + localCount,
                                                    resultSlot: resultSlot, localCount: localCount, generator: nil, namespace: nil)
                                frames[fi] = frame
                                depth.pointee = fi + 1
                                ins = f.5
                                consts = f.6
                                base = newBase
                                sp = newBase + localCount
                                // The callee's first instruction is its RESUME (a function that is not a generator always
                                // starts with one): its eval breaker check is done here and the loop starts after it.
                                if gilMode != 0 && gil.dropRequested { yieldGIL() }
                                // A function with cells or a closure (argumentCount -1) starts with MAKE_CELL or
                                // COPY_FREE_VARS before its RESUME: it runs from the top.
                                pc = f.1 < 0 ? 0 : 1
                                continue
                            }
                        }
                        if callee.isBuiltin, let r = try inlineBuiltinCall(callee.builtinIndex, calleeSlot, count: argc) {
                            // `list.append(x)`, `d.get(k)`: the built-in's answer without its call.
                            var p = resultSlot
                            while p < sp { decref(p.pointee); p += 1 }
                            resultSlot.pointee = r
                            sp = resultSlot + 1
                            if gilMode != 0 && gil.dropRequested { yieldGIL() }
                            continue
                        }
                        frames[fi].pc = pc
                        frames[fi].sp = sp
                        sp = try callAndPop(resultSlot, calleeSlot, count: argc, keywords: nil, top: sp)
                        // 3.11's CALL ends with CHECK_EVAL_BREAKER: a switch may fall right after any call.
                        if gilMode != 0 && gil.dropRequested { yieldGIL() }
                    case .loadMethod:
                        // [method, self] when obj's class has the function, else [NULL, attribute] (3.11's layout).
                        let obj = sp[-1]
                        frames[fi].sp = sp
                        let (first, second) = try loadMethod(obj, arg)
                        sp[-1] = first
                        // A method: `obj`'s reference moves into the self slot; otherwise it is dropped.
                        if first == .null { decref(obj) }
                        sp.pointee = second
                        sp += 1
                    case .returnValue:
                        sp -= 1
                        let v = sp.pointee
                        var p = base
                        while p < sp { decref(p.pointee); p += 1 }
                        if fi == entry {
                            if let gen = frame.generator { gen._withUnsafeGuaranteedRef { $0.stackDepth.store(0, ordering: .relaxed) } }
                            depth.pointee = entry
                            lastExitWasYield = false
                            return v
                        }
                        if let genRef = frame.generator {
                            // A generator FOR_ITER resumed here is exhausted: it is finished, its return value
                            // dropped, and the loop pops it from the caller's stack and jumps past its body.
                            genRef._withUnsafeGuaranteedRef { gen in
                                gen.stackDepth.store(0, ordering: .relaxed)
                                gen.end(.finished)
                            }
                            let slot = frame.resultSlot
                            fi -= 1
                            depth.pointee = fi + 1
                            frame = frames[fi]
                            ins = frame.code._withUnsafeGuaranteedRef { $0.executable }
                            consts = frame.code._withUnsafeGuaranteedRef { $0.constants }
                            base = frame.base
                            pc = Int(ins[frame.pc - 1] &>> 8)
                            sp = slot - 1
                            decref(v)
                            decref(sp.pointee)
                            continue
                        }
                        let slot = frame.resultSlot
                        p = slot
                        while p < base { decref(p.pointee); p += 1 }
                        slot.pointee = v
                        fi -= 1
                        depth.pointee = fi + 1
                        frame = frames[fi]
                        ins = frame.code._withUnsafeGuaranteedRef { $0.executable }
                        consts = frame.code._withUnsafeGuaranteedRef { $0.constants }
                        base = frame.base
                        pc = frame.pc
                        sp = slot + 1
                    case .returnGenerator:
                        // The call already made the generator; its first resumption starts here, as if sent None.
                        sp.pointee = .none
                        sp += 1
                    case .yieldValue:
                        guard let genRef = frame.generator else {
                            throw error(runtime.classes.runtimeError, "yield outside a generator frame")
                        }
                        sp -= 1
                        let v = sp.pointee
                        let count = sp - base
                        let localCount = frame.localCount
                        // A yield inside a handler: what it handles is not the caller's; the generator keeps it.
                        let handled: [Int]? = !handling.isEmpty && handling.contains(where: { $0.frame == fi })
                            ? handling.filter { $0.frame == fi }.map(\.slot) : nil
                        // The generator read without retaining it (its frame record does not own it; its caller does).
                        // The copy is out of the closure, which would read `base` from memory at every slot.
                        let saved = genRef._withUnsafeGuaranteedRef { $0.frame }
                        var i = 0
                        while i < count {
                            saved[i] = base[i]
                            base[i] = .unbound
                            i += 1
                        }
                        genRef._withUnsafeGuaranteedRef { gen in
                            gen.resumeAt.store(pc, ordering: .relaxed)
                            gen.stackDepth.store(count - localCount, ordering: .relaxed)
                        }
                        if let handled {
                            genRef._withUnsafeGuaranteedRef { gen in
                                gen.handledSlots.withLock { $0 = handled }
                                gen.handlesSomething.store(true, ordering: .relaxed)
                            }
                        }
                        if !handling.isEmpty { endHandling(inside: fi, from: 0) }
                        if fi != entry {
                            // Resumed by FOR_ITER in this loop: the value goes above the generator in the caller's
                            // stack, and the caller goes on after its FOR_ITER.
                            genRef._withUnsafeGuaranteedRef { $0.end(.suspended) }
                            let slot = frame.resultSlot
                            fi -= 1
                            depth.pointee = fi + 1
                            frame = frames[fi]
                            ins = frame.code._withUnsafeGuaranteedRef { $0.executable }
                            consts = frame.code._withUnsafeGuaranteedRef { $0.constants }
                            base = frame.base
                            pc = frame.pc
                            let next = ins[pc]
                            if UInt8(truncatingIfNeeded: next) == Op.storeFast.rawValue {
                                // `for x in gen`: the STORE_FAST after the FOR_ITER is made here, one dispatch fewer.
                                let target = Int(next &>> 8)
                                let old = base[target]
                                base[target] = v
                                pc &+= 1
                                sp = slot
                                decref(old)
                                continue
                            }
                            slot.pointee = v
                            sp = slot + 1
                            continue
                        }
                        depth.pointee = entry
                        lastExitWasYield = true
                        return v
                    case .loadAttr:
                        let obj = sp[-1]
                        frames[fi].sp = sp
                        let v = try getAttribute(obj, arg)
                        decref(obj)
                        sp[-1] = v
                    case .storeAttr:
                        if gilMode == 2 && gil.dropRequested { yieldGIL() }
                        let obj = sp[-1], value = sp[-2]
                        frames[fi].sp = sp   // a property's setter or a __setattr__ runs above these
                        try setAttribute(obj, arg, value)
                        sp -= 2
                        decref(obj)
                    case .deleteAttr:
                        let obj = sp[-1]
                        frames[fi].sp = sp
                        try deleteAttribute(obj, arg)
                        sp -= 1
                        decref(obj)
                    case .binarySubscr:
                        let index = sp[-1], obj = sp[-2]
                        if index.isInt && obj.isObject && obj.objectKind == .list, let v = listItem(obj, index.intValue) {
                            sp -= 1
                            decref(obj)
                            sp[-1] = v
                            continue
                        }
                        if obj.isObject && obj.objectKind == .dict, let v = try dictItemUnretained(obj, index) {
                            sp -= 2; decref(obj); decref(index); sp.pointee = v; sp += 1
                            continue
                        }
                        let v = try getItem(obj, index)
                        sp -= 2; decref(obj); decref(index); sp.pointee = v; sp += 1
                    case .storeSubscr:
                        if gilMode == 2 && gil.dropRequested { yieldGIL() }
                        let index = sp[-1], obj = sp[-2], value = sp[-3]
                        if index.isInt && obj.isObject && obj.objectKind == .list, let old = storeListItem(obj, index.intValue, value) {
                            sp -= 3
                            decref(obj)
                            decref(old)
                            continue
                        }
                        if obj.isObject && obj.objectKind == .dict, try storeDictItemUnretained(obj, index, value) {
                            sp -= 3; decref(obj); decref(index); decref(value)
                            continue
                        }
                        try storeSubscript(obj, index, value)
                        sp -= 3; decref(obj); decref(index)
                    case .deleteSubscr:
                        let index = sp[-1], obj = sp[-2]
                        try deleteSubscript(obj, index)
                        sp -= 2; decref(obj); decref(index)
                    case .buildSlice:
                        // BUILD_SLICE 2 (start, stop) or 3 (and a step).
                        let c = arg == 3 ? sp[-1] : PyValue.none
                        let a = sp[-arg], b = sp[-arg + 1]
                        let s = try makeSlice(a, b, c)
                        sp -= arg; decref(a); decref(b); decref(c); sp.pointee = s; sp += 1
                    case .unaryNegative, .unaryPositive, .unaryInvert, .unaryNot:
                        let v = sp[-1]
                        let r = try unary(unsafeBitCast(UInt8(truncatingIfNeeded: word), to: Op.self), v)
                        decref(v)
                        sp[-1] = r
                    case .buildList:
                        let start = sp - arg
                        let items = Array(UnsafeBufferPointer(start: start, count: arg))
                        sp = start
                        sp.pointee = newList(items)
                        sp += 1
                    case .buildTuple:
                        let start = sp - arg
                        let items = Array(UnsafeBufferPointer(start: start, count: arg))
                        sp = start
                        sp.pointee = newTuple(items)
                        sp += 1
                    case .buildMap:
                        let start = sp - 2 * arg
                        let d = try buildDict(start, pairs: arg)
                        var p = start
                        while p < sp { decref(p.pointee); p += 1 }
                        sp = start
                        sp.pointee = d
                        sp += 1
                    case .buildConstKeyMap:
                        // The values, then one tuple of constant keys.
                        let start = sp - 1 - arg
                        let d = try buildDict(keys: sp[-1], values: start, count: arg)
                        var p = start
                        while p < sp { decref(p.pointee); p += 1 }
                        sp = start
                        sp.pointee = d
                        sp += 1
                    case .listAppend:
                        let v = sp[-1]
                        let target = sp[-1 - arg]
                        guard target.isObject, target.objectKind == .list else { throw typeError("LIST_APPEND on a non-list") }
                        let alone = self.alone
                        target.unmanaged._withUnsafeGuaranteedRef { unsafeDowncast($0, to: PyList.self).items.withLock(alone: alone) { $0.append(v) } }
                        sp -= 1
                    case .listExtend:
                        let v = sp[-1]
                        let target = sp[-1 - arg]
                        guard target.isObject, let list = target.object as? PyList else { throw typeError("LIST_EXTEND on a non-list") }
                        try extendList(list, with: v)
                        sp -= 1
                        decref(v)
                    case .unpackSequence:
                        let v = sp[-1]
                        let items = try unpack(v, count: arg)
                        sp -= 1
                        decref(v)
                        for item in items.reversed() {
                            sp.pointee = item
                            sp += 1
                        }
                    case .buildString:
                        var text = ""
                        for i in 0..<arg {
                            let part = (sp - arg + i).pointee
                            if part.isObject, let s = part.object as? PyStr { text += s.value } else { text += try str(part) }
                        }
                        var p = sp - arg
                        while p < sp { decref(p.pointee); p += 1 }
                        sp -= arg
                        sp.pointee = newString(text)
                        sp += 1
                    case .formatValue:
                        // 3.11's flags: the conversion in the low two bits (2 is !r), 4 when a format spec is on top.
                        var spec: String?
                        if arg & 4 != 0 {
                            let s = sp[-1]
                            spec = (s.isObject ? (s.object as? PyStr)?.value : nil) ?? ""
                            sp -= 1
                            decref(s)
                        }
                        let v = sp[-1]
                        let text = try format(v, repr: arg & 3 == 2, spec: spec)
                        decref(v)
                        sp[-1] = newString(text)
                    case .makeFunction:
                        // [defaults tuple if arg & 1, code object] → a function (3.11's MAKE_FUNCTION).
                        let codeValue = sp[-1]
                        guard codeValue.isObject, codeValue.objectKind == .code else { throw typeError("MAKE_FUNCTION needs a code object") }
                        let code = unsafeDowncast(codeValue.object, to: PyCode.self).code
                        sp -= 1
                        // 3.11's flags: 8 a tuple of closure cells, 2 a dict of keyword-only defaults, 1 a tuple of defaults.
                        var closure: [PyValue] = []
                        if arg & 8 != 0 {
                            sp -= 1
                            closure = takeTupleItems(sp.pointee)
                        }
                        var keywordDefaults: [(name: String, value: PyValue)] = []
                        if arg & 2 != 0 {
                            sp -= 1
                            keywordDefaults = takeKeywordDefaults(sp.pointee)
                        }
                        var defaults: [PyValue] = []
                        if arg & 1 != 0 {
                            sp -= 1
                            let tuple = sp.pointee
                            if tuple.isObject, tuple.objectKind == .tuple {
                                defaults = unsafeDowncast(tuple.object, to: PyTuple.self).items
                                for d in defaults { incref(d) }
                            }
                            decref(tuple)
                        }
                        // Without the GIL a function is immortal, as free-threaded CPython 3.13 makes functions once a
                        // second thread starts: every thread calling it would otherwise update one shared count.
                        let function = PyFunction(code: code, defaults: defaults, keywordDefaults: keywordDefaults, closure: closure,
                                                  id: runtime.heap.newID(), immortal: gilMode == 0, owner: ownerForNew)
                        sp.pointee = gilMode != 0 ? allocate(function) : runtime.heap.immortal(function)
                        sp += 1
                    case .makeClass:
                        let code = frame.code._withUnsafeGuaranteedRef { $0.codes[arg & Op.classCodeMask] }
                        let n = arg >> 16
                        var closure: PyValue = .none
                        if arg & Op.classClosureFlag != 0 {
                            sp -= 1
                            closure = sp.pointee
                        }
                        frames[fi].pc = pc
                        frames[fi].sp = sp
                        defer { decref(closure) }
                        let cls = try makeClass(code, bases: Array(UnsafeBufferPointer(start: sp - n, count: n)), closure: closure)
                        var p = sp - n
                        while p < sp { decref(p.pointee); p += 1 }
                        sp -= n
                        sp.pointee = cls
                        sp += 1
                    case .loadClassName:
                        let v = try loadName(frame.namespace, arg)
                        sp.pointee = v
                        sp += 1
                    case .storeClassName:
                        if gilMode == 2 && gil.dropRequested { yieldGIL() }
                        sp -= 1
                        try storeName(frame.namespace, arg, sp.pointee)
                    case .deleteClassName:
                        try deleteName(frame.namespace, arg)
                    case .deleteFast:
                        let old = base[arg]
                        if old == .unbound { throw error(runtime.classes.unboundLocalError, "local variable referenced before assignment") }
                        base[arg] = .unbound
                        decref(old)
                    case .deleteGlobal, .deleteName:
                        let old = PyValue(bits: gvals[arg].exchange(PyValue.unbound.bits, ordering: .acquiringAndReleasing))
                        if old == .unbound { throw nameError(runtime.globalName(arg)) }
                        if gilMode != 0 { decref(old) } else if old.isObject { deferredValues.append(old) }
                    case .raise:
                        if arg == 0 { throw error(runtime.classes.runtimeError, "No active exception to reraise") }
                        if arg == 2 {
                            let cause = sp[-1], v = sp[-2]
                            sp -= 2
                            var e: PyError
                            do throws(PyError) { e = try exceptionToRaise(v) } catch { decref(cause); throw error }
                            try setCause(&e, cause)
                            throw e
                        }
                        let v = sp[-1]
                        sp -= 1
                        throw try exceptionToRaise(v)
                    case .reraise:
                        let v = sp[-1]
                        sp -= 1
                        endHandling()
                        var e = try exceptionToRaise(v)
                        e.contextSettled = true
                        throw e
                    case .checkExcMatch:
                        let type = sp[-1], exc = sp[-2]
                        let matches = try exceptionMatches(exc, type)
                        decref(type)
                        sp[-1] = matches ? .true : .false
                    case .popExcept:
                        sp -= 1
                        decref(sp.pointee)
                        endHandling()
                    case .loadAssertionError:
                        sp.pointee = .object(Unmanaged.passUnretained(runtime.classes.assertionError))
                        sp += 1
                    case .withEnter:
                        let manager = sp[-1]
                        frames[fi].pc = pc
                        frames[fi].sp = sp
                        let entered = try enterContext(manager)
                        sp.pointee = entered
                        sp += 1
                    case .withExit:
                        let manager = sp[-1]
                        frames[fi].pc = pc
                        frames[fi].sp = sp
                        _ = try exitContext(manager, exception: nil)
                        sp -= 1
                        decref(manager)
                    case .makeCell, .copyFreeVars, .loadClosure, .loadDeref, .storeDeref, .deleteDeref, .dictMerge, .dictUpdate, .listToTuple,
                         .unpackEx, .buildSet, .setAdd, .setUpdate, .mapAdd, .getYieldFromIter:
                        frames[fi].pc = pc
                        frames[fi].sp = sp
                        sp = try closureAndCollectionOp(unsafeBitCast(UInt8(truncatingIfNeeded: word), to: Op.self), arg,
                                                        base: base, sp: sp, code: frame.code)
                    case .matchClass, .matchSequence, .matchMapping, .matchKeys, .getLen:
                        frames[fi].pc = pc
                        frames[fi].sp = sp
                        sp = try matchOp(unsafeBitCast(UInt8(truncatingIfNeeded: word), to: Op.self), arg, sp: sp)
                    case .callFunctionEx:
                        frames[fi].pc = pc
                        frames[fi].sp = sp
                        sp = try callWithUnpacking(sp, withKeywords: arg & 1 != 0)
                        // As after CALL: the eval breaker runs after the call returns.
                        if gilMode != 0 && gil.dropRequested { yieldGIL() }
                    case .send:
                        frames[fi].pc = pc
                        frames[fi].sp = sp
                        if try sendToSubiterator(sp) {
                            // The inner iterator finished: its return value replaced it; leave the loop.
                            sp -= 1
                            pc = arg
                        }
                    case .jumpBackwardNoInterrupt:
                        pc = arg
                    case .importName:
                        // [level, fromlist] → the module (3.11's IMPORT_NAME); modules are immortal.
                        frames[fi].pc = pc
                        frames[fi].sp = sp
                        let fromList = sp[-1]
                        let module = try importName(arg, fromList: fromList)
                        decref(fromList)
                        decref(sp[-2])
                        sp -= 1
                        sp[-1] = module
                    case .importFrom:
                        frames[fi].pc = pc
                        frames[fi].sp = sp
                        sp.pointee = try importFrom(sp[-1], arg)
                        sp += 1
                    case .setupAnnotations:
                        setupAnnotations(frame.namespace, slot: arg)
                    case .importStar:
                        frames[fi].pc = pc
                        frames[fi].sp = sp
                        try importStar(sp[-1])
                        sp -= 1
                    case .withExitError:
                        let exc = sp[-1], manager = sp[-2]
                        frames[fi].pc = pc
                        frames[fi].sp = sp
                        let suppress = try exitContext(manager, exception: exc)
                        endHandling()
                        if suppress {
                            sp -= 2
                            decref(exc)
                            decref(manager)
                        } else {
                            sp -= 2
                            decref(manager)
                            var e = try exceptionToRaise(exc)
                            e.contextSettled = true
                            throw e
                        }
                    }
                }
            } catch {
                // Find a handler in this frame; otherwise unwind it and look in the caller.
                var e = error
                settleContext(&e)
                while true {
                    let code = frame.code.takeUnretainedValue()
                    let failedAt = max(0, pc - 1)
                    let where_ = code.position(at: failedAt)
                    if e.position.line == 0 { e.position = where_ }
                    lastLine = where_.line
                    if let handler = code.handler(for: failedAt) {
                        let keep = base + frame.localCount + handler.depth
                        while sp > keep {
                            sp -= 1
                            decref(sp.pointee)
                        }
                        if e.type === runtime.classes.keyboardInterrupt && shouldStop && e.instance == .none {
                            // Stopping: let finally blocks run, but keep stopping.
                        }
                        endHandling(inside: fi, from: keep - base)
                        sp.pointee = materialize(&e, frameName: code.name, line: where_.line)
                        beginHandling(sp.pointee, frame: fi, slot: keep - base)
                        sp += 1
                        pc = handler.handler
                        break
                    }
                    endHandling(inside: fi, from: 0)
                    if where_.line > 0 { e.traceback.append("line \(where_.line), in \(code.name)") }
                    var p = base
                    while p < sp { decref(p.pointee); p.pointee = .unbound; p += 1 }
                    if fi == entry {
                        depth.pointee = entry
                        throw e
                    }
                    if let genRef = frame.generator {
                        // A generator FOR_ITER resumed here raised: it is finished, and a StopIteration out of it
                        // reaches the loop as the RuntimeError `resumeGenerator` makes of it.
                        genRef._withUnsafeGuaranteedRef { $0.end(.finished) }
                        if e.type === runtime.classes.stopIteration { e = stopIterationOutOfGenerator(&e) }
                    }
                    p = frame.resultSlot
                    while p < base { decref(p.pointee); p.pointee = .unbound; p += 1 }
                    fi -= 1
                    depth.pointee = fi + 1
                    frame = frames[fi]
                    base = frame.base
                    pc = frame.pc
                    sp = frame.sp
                    // The caller's stack still holds the callee and its arguments' slots (now cleared).
                    let calleeSlot = frames[fi + 1].resultSlot
                    sp = calleeSlot
                }
                ins = frame.code._withUnsafeGuaranteedRef { $0.executable }
                consts = frame.code._withUnsafeGuaranteedRef { $0.constants }
            }
        }
    }
}
