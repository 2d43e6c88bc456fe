import LabOS
import LabCore

/// The instructions of closures, calls with `*`/`**`, star-unpacking, sets and comprehensions, and `yield from`,
/// and the generator methods `send`, `throw` and `close` (issue 14).
extension PyThreadState {
    /// Takes the items of a tuple the stack owned (each item gets its own reference; the tuple is dropped).
    package func takeTupleItems(_ tuple: PyValue) -> [PyValue] {
        defer { decref(tuple) }
        guard tuple.isObject, tuple.objectKind == .tuple else { return [] }
        let items = unsafeDowncast(tuple.object, to: PyTuple.self).items
        for v in items { incref(v) }
        return items
    }

    /// MAKE_FUNCTION's keyword-only defaults: the dict the stack owned, as (name, owned value) pairs.
    package func takeKeywordDefaults(_ dict: PyValue) -> [(name: String, value: PyValue)] {
        defer { decref(dict) }
        guard dict.isObject, let d = dict.object as? PyDict else { return [] }
        let entries = d.storage.withLock { $0.entries.compactMap { $0 } }
        return entries.map { e in
            incref(e.value)
            return (string(e.key) ?? "", e.value)
        }
    }

    /// The cell in a frame slot (MAKE_CELL put it there, or the closure did).
    @inline(__always) func cell(_ v: PyValue) throws(PyError) -> PyCell {
        guard v.isObject, v.objectKind == .cell else { throw error(runtime.classes.runtimeError, "internal error: a closure slot holds no cell") }
        return unsafeDowncast(v.object, to: PyCell.self)
    }

    /// The less frequent instructions, out of the eval loop's way. Returns the new stack top.
    package func closureAndCollectionOp(_ op: Op, _ arg: Int, base: UnsafeMutablePointer<PyValue>, sp top: UnsafeMutablePointer<PyValue>,
                                        code: Unmanaged<CodeObject>) throws(PyError) -> UnsafeMutablePointer<PyValue> {
        var sp = top
        switch op {
        case .makeCell:
            let value = base[arg]
            base[arg] = allocate(PyCell(value, id: runtime.heap.newID(), owner: ownerForNew))
        case .copyFreeVars:
            break // `bindArguments` already put the closure's cells in their slots.
        case .loadClosure:
            incref(base[arg])
            sp.pointee = base[arg]
            sp += 1
        case .loadDeref:
            let v = try cell(base[arg]).value
            if v == .unbound {
                let name = code._withUnsafeGuaranteedRef { $0.localNames[arg] }
                throw error(runtime.classes.nameError, "cannot access free variable '\(name)' where it is not associated with a value in enclosing scope")
            }
            incref(v)
            sp.pointee = v
            sp += 1
        case .storeDeref:
            sp -= 1
            let c = try cell(base[arg])
            let old = PyValue(bits: c.contents.exchange(sp.pointee.bits, ordering: .acquiringAndReleasing))
            if old != .unbound { decref(old) }
        case .deleteDeref:
            let c = try cell(base[arg])
            let old = PyValue(bits: c.contents.exchange(PyValue.unbound.bits, ordering: .acquiringAndReleasing))
            if old == .unbound {
                let name = code._withUnsafeGuaranteedRef { $0.localNames[arg] }
                throw error(runtime.classes.nameError, "cannot access free variable '\(name)' where it is not associated with a value in enclosing scope")
            }
            decref(old)
        case .dictMerge:
            let other = sp[-1]
            guard sp[-1 - arg].isObject, let target = sp[-1 - arg].object as? PyDict else { throw typeError("DICT_MERGE on a non-dict") }
            guard other.isObject, let source = other.object as? PyDict else {
                throw typeError("argument after ** must be a mapping, not \(typeName(other))")
            }
            for e in source.storage.withLock({ $0.entries.compactMap { $0 } }) {
                if try dictGet(target, e.key).map({ decref($0); return true }) ?? false {
                    throw typeError("got multiple values for keyword argument '\(string(e.key) ?? "?")'")
                }
                guard string(e.key) != nil else { throw typeError("keywords must be strings") }
                try dictSet(target, e.key, e.value)
            }
            sp -= 1
            decref(other)
        case .dictUpdate:
            // `{**other}` in a dict display: later keys win, as in dict.update.
            let other = sp[-1]
            guard sp[-1 - arg].isObject, let target = sp[-1 - arg].object as? PyDict else { throw typeError("DICT_UPDATE on a non-dict") }
            if other.isObject, let source = other.object as? PyDict {
                for e in source.storage.withLock({ $0.entries.compactMap { $0 } }) { try dictSet(target, e.key, e.value) }
            } else {
                try updateFromMapping(target, other)
            }
            sp -= 1
            decref(other)
        case .listToTuple:
            let v = sp[-1]
            let items = sequenceItems(v.object)
            for x in items { incref(x) }
            decref(v)
            sp[-1] = newTuple(items)
        case .unpackEx:
            let before = arg & 0xff, after = arg >> 8
            let v = sp[-1]
            let items = try collect(v)
            guard items.count >= before + after else {
                for x in items { decref(x) }
                throw valueError("not enough values to unpack (expected at least \(before + after), got \(items.count))")
            }
            sp -= 1
            decref(v)
            let middle = newList(Array(items[before..<(items.count - after)]))
            let parts = Array(items[..<before]) + [middle] + Array(items[(items.count - after)...])
            for item in parts.reversed() {
                sp.pointee = item
                sp += 1
            }
        case .buildSet:
            let start = sp - arg
            let set = PySet(id: runtime.heap.newID(), owner: ownerForNew)
            let value = allocate(set)
            do throws(PyError) {
                for i in 0..<arg { try setAdd(set, start[i]) }
            } catch {
                decref(value)
                throw error
            }
            var p = start
            while p < sp { decref(p.pointee); p += 1 }
            sp = start
            sp.pointee = value
            sp += 1
        case .setAdd:
            let v = sp[-1]
            guard sp[-1 - arg].isObject, let set = sp[-1 - arg].object as? PySet else { throw typeError("SET_ADD on a non-set") }
            try setAdd(set, v)
            sp -= 1
            decref(v)
        case .setUpdate:
            let v = sp[-1]
            guard sp[-1 - arg].isObject, let set = sp[-1 - arg].object as? PySet else { throw typeError("SET_UPDATE on a non-set") }
            let items = try collect(v)
            defer { for x in items { decref(x) } }
            for x in items { try setAdd(set, x) }
            sp -= 1
            decref(v)
        case .mapAdd:
            let value = sp[-1], key = sp[-2]
            guard sp[-2 - arg].isObject, let d = sp[-2 - arg].object as? PyDict else { throw typeError("MAP_ADD on a non-dict") }
            try dictSet(d, key, value)
            sp -= 2
            decref(key)
            decref(value)
        case .getYieldFromIter:
            let v = sp[-1]
            if !(v.isObject && v.objectKind == .generator) {
                let it = try iterate(v)
                decref(v)
                sp[-1] = it
            }
        default:
            throw error(runtime.classes.runtimeError, "internal error: \(op.name) reached the wrong handler")
        }
        return sp
    }

    /// CALL_FUNCTION_EX: `[NULL, callable, args, kwargs?]` → the result. Returns the new stack top.
    package func callWithUnpacking(_ top: UnsafeMutablePointer<PyValue>, withKeywords: Bool) throws(PyError) -> UnsafeMutablePointer<PyValue> {
        let kwargs = withKeywords ? top[-1] : PyValue.none
        let argsSlot = top - (withKeywords ? 2 : 1)
        let callableSlot = argsSlot - 1
        let resultSlot = callableSlot - 1
        let argsValue = argsSlot.pointee
        let positional: [PyValue]
        if argsValue.isObject && argsValue.objectKind == .tuple {
            positional = unsafeDowncast(argsValue.object, to: PyTuple.self).items
            for v in positional { incref(v) }
        } else {
            do throws(PyError) {
                positional = try collect(argsValue)
            } catch {
                if error.type === runtime.classes.typeError {
                    throw typeError("\(callableName(callableSlot.pointee))() argument after * must be an iterable, not \(typeName(argsValue))")
                }
                throw error
            }
        }
        defer { for v in positional { decref(v) } }
        var keywords: [(String, PyValue)] = []
        if withKeywords {
            guard kwargs.isObject, let d = kwargs.object as? PyDict else {
                throw typeError("\(callableName(callableSlot.pointee))() argument after ** must be a mapping, not \(typeName(kwargs))")
            }
            for e in d.storage.withLock({ $0.entries.compactMap { $0 } }) {
                guard let k = string(e.key) else { throw typeError("keywords must be strings") }
                keywords.append((k, e.value))
            }
        }
        let result = try call(callableSlot.pointee, positional, keywords: keywords)
        var p = resultSlot
        while p < top { decref(p.pointee); p += 1 }
        resultSlot.pointee = result
        return resultSlot + 1
    }

    func callableName(_ v: PyValue) -> String {
        if v.isBuiltin { return Builtins.table[v.builtinIndex].name }
        if v.isObject, let f = v.object as? PyFunction { return f.name }
        return typeName(v)
    }

    /// SEND: `[iterator, value]`; passes the value on. True when the iterator finished (the stack is then
    /// `[iterator, return value]`, the iterator already released, for the caller to drop one slot); false when it
    /// yielded (the stack is `[iterator, yielded value]`).
    package func sendToSubiterator(_ sp: UnsafeMutablePointer<PyValue>) throws(PyError) -> Bool {
        let it = sp[-2], v = sp[-1]
        if it.isObject, it.objectKind == .generator {
            sp[-1] = .none
            let (r, yielded) = try resumeGenerator(unsafeDowncast(it.object, to: PyGenerator.self), sending: v)
            if yielded {
                sp[-1] = r
                return false
            }
            decref(it)
            sp[-2] = r
            return true
        }
        if v != .none {
            throw error(runtime.classes.attributeError, "'\(typeName(it))' object has no attribute 'send'")
        }
        if let next = try iterNext(it) {
            sp[-1] = next
            return false
        }
        decref(it)
        sp[-2] = .none
        return true
    }

    /// Adds a borrowed value to a set.
    package func setAdd(_ set: PySet, _ v: PyValue) throws(PyError) {
        let key = try dictKey(v)
        let added = set.storage.withLock { s -> Bool in
            if s.keys[key] != nil { return false }
            s.entries.append((v, .none))
            s.keys[key] = s.entries.count - 1
            return true
        }
        if added { incref(v) }
    }

    /// Removes a value from a set; false when it was not there.
    package func setDiscard(_ set: PySet, _ v: PyValue) throws(PyError) -> Bool {
        let key = try dictKey(v)
        let removed = set.storage.withLock { s -> PyValue? in
            guard let i = s.keys[key], let e = s.entries[i] else { return nil }
            s.keys[key] = nil
            s.entries[i] = nil
            return e.key
        }
        if let removed { decref(removed) }
        return removed != nil
    }

    package func setContains(_ set: PySet, _ v: PyValue) throws(PyError) -> Bool {
        let key = try dictKey(v)
        return set.storage.withLock { $0.keys[key] != nil }
    }

    /// A new set of borrowed values.
    package func newSet(_ items: [PyValue]) throws(PyError) -> PyValue {
        let set = PySet(id: runtime.heap.newID(), owner: ownerForNew)
        let value = allocate(set)
        do throws(PyError) {
            for v in items { try setAdd(set, v) }
        } catch {
            decref(value)
            throw error
        }
        return value
    }

    /// The members of a set in the order CPython iterates it: for ints (and bools), where their slots fall in
    /// CPython's hash table (the set filled in insertion order: linear probes, then perturbation, resizing at 3/5
    /// full); other members keep insertion order (CPython randomises string hashes, so no order is promised).
    package func setOrder(_ set: PySet) -> [PyValue] {
        let members = set.members
        guard members.allSatisfy({ $0.isInt || $0.isBool }) else { return members }
        func hash(_ v: PyValue) -> UInt64 {
            let n = v == .true ? 1 : v == .false ? 0 : v.intValue
            // hash(-1) is -2 in CPython; other ints below 2**61 - 1 hash to themselves.
            return UInt64(bitPattern: Int64(n == -1 ? -2 : n))
        }
        var table = [PyValue?](repeating: nil, count: 8)
        var used = 0
        func insert(_ v: PyValue, into table: inout [PyValue?]) {
            let mask = UInt64(table.count - 1)
            let h = hash(v)
            var i = h & mask
            var perturb = h
            while true {
                let probes: UInt64 = i + 9 <= mask ? 9 : 0
                var j: UInt64 = 0
                while j <= probes {
                    if table[Int(i + j)] == nil { table[Int(i + j)] = v; return }
                    j += 1
                }
                perturb >>= 5
                i = (i &* 5 &+ 1 &+ perturb) & mask
            }
        }
        for v in members {
            insert(v, into: &table)
            used += 1
            if used * 5 >= (table.count - 1) * 3 {
                let minUsed = used > 50000 ? used * 2 : used * 4
                var size = 8
                while size <= minUsed { size <<= 1 }
                var bigger = [PyValue?](repeating: nil, count: size)
                for case let old? in table { insert(old, into: &bigger) }
                table = bigger
            }
        }
        return table.compactMap { $0 }
    }

    // MARK: generator methods

    /// `gen.send(v)`, `gen.throw(e)`, `next(gen)`: one step, with `StopIteration(value)` at the end.
    package func generatorStep(_ gen: PyGenerator, sending: PyValue = .none, throwing: PyError? = nil) throws(PyError) -> PyValue {
        let (value, yielded): (PyValue, Bool)
        if let throwing, let delegated = try throwIntoDelegate(gen, throwing) {
            (value, yielded) = delegated
        } else {
            incref(sending)
            (value, yielded) = try resumeGenerator(gen, sending: sending, throwing: throwing)
        }
        if yielded { return value }
        throw stopIteration(value)
    }

    /// StopIteration carrying a generator's return value (which it takes over).
    package func stopIteration(_ value: PyValue) -> PyError {
        let cls = runtime.classes.stopIteration
        let classValue = PyValue.object(Unmanaged.passUnretained(cls))
        let args = value == .none ? [] : [value]
        let inst = allocate(PyInstance(cls: cls, classValue: classValue, arguments: args, id: runtime.heap.newID(), owner: ownerForNew))
        return PyError(type: cls, message: value == .none ? "" : ((try? str(value)) ?? ""), instance: inst)
    }

    /// When `gen` is suspended inside `yield from`, the exception goes to the inner generator first (3.11's
    /// `gen_throw`): the inner one yielding keeps `gen` suspended; the inner one returning ends the `yield from`
    /// with its value and resumes `gen`; the inner one raising raises in `gen`. Nil when `gen` is not delegating.
    func throwIntoDelegate(_ gen: PyGenerator, _ thrown: PyError) throws(PyError) -> (PyValue, Bool)? {
        guard let sub = delegate(of: gen) else { return nil }
        let code = gen.code
        let at = gen.resumeAt.load(ordering: .relaxed)
        do throws(PyError) {
            let (value, yielded): (PyValue, Bool)
            if thrown.type === runtime.classes.generatorExit {
                // close(): the inner generator is closed, then GeneratorExit is raised in this one.
                try closeGenerator(sub.generator)
                return nil
            }
            if let inner = sub.generator {
                if let deeper = try throwIntoDelegate(inner, thrown) {
                    (value, yielded) = deeper
                } else {
                    (value, yielded) = try resumeGenerator(inner, throwing: thrown)
                }
            } else {
                return nil
            }
            if yielded { return (value, true) }
            // The inner generator returned: the `yield from` is done; go on after its SEND loop with the value.
            let top = code.localCount + gen.stackDepth.load(ordering: .relaxed) - 1
            let old = gen.frame[top]
            gen.frame[top] = .unbound
            decref(old)
            gen.stackDepth.store(top - code.localCount, ordering: .relaxed)
            let jump = CodeObject.arg(code.instructions[at + 1])
            gen.resumeAt.store(CodeObject.arg(code.instructions[jump]), ordering: .relaxed)
            return try resumeGenerator(gen, sending: value)
        } catch {
            // Raised by the inner iterator: raised at the `yield from` in this generator.
            return try resumeGenerator(gen, throwing: error)
        }
    }

    /// The inner iterator of a generator suspended in `yield from` (at the RESUME 2 after its SEND's yield).
    func delegate(of gen: PyGenerator) -> (value: PyValue, generator: PyGenerator?)? {
        guard PyGenerator.Phase(rawValue: gen.phase.load(ordering: .acquiring)) == .suspended else { return nil }
        let code = gen.code
        let at = gen.resumeAt.load(ordering: .relaxed)
        guard at + 1 < code.count, CodeObject.op(code.instructions[at]) == .resume, CodeObject.arg(code.instructions[at]) == 2 else { return nil }
        let depth = gen.stackDepth.load(ordering: .relaxed)
        guard depth > 0 else { return nil }
        let sub = gen.frame[code.localCount + depth - 1]
        let inner = sub.isObject && sub.objectKind == .generator ? unsafeDowncast(sub.object, to: PyGenerator.self) : nil
        return (sub, inner)
    }

    /// `gen.close()`: GeneratorExit raised at its yield, so its `finally` blocks run; a generator that yields
    /// again is a RuntimeError, as in CPython.
    package func closeGenerator(_ gen: PyGenerator?) throws(PyError) {
        guard let gen else { return }
        let phase = PyGenerator.Phase(rawValue: gen.phase.load(ordering: .acquiring)) ?? .finished
        switch phase {
        case .finished: return
        case .running: throw valueError("generator already executing")
        case .created:
            _ = try? resumeGenerator(gen, throwing: error(runtime.classes.generatorExit, ""))
            return
        case .suspended: break
        }
        let exit = error(runtime.classes.generatorExit, "")
        do throws(PyError) {
            let (value, yielded): (PyValue, Bool)
            if let delegated = try throwIntoDelegate(gen, exit) {
                (value, yielded) = delegated
            } else {
                (value, yielded) = try resumeGenerator(gen, throwing: exit)
            }
            decref(value)
            if yielded { throw error(runtime.classes.runtimeError, "generator ignored GeneratorExit") }
        } catch {
            if error.type.isSubclass(of: runtime.classes.generatorExit) || error.type.isSubclass(of: runtime.classes.stopIteration) {
                var e = error
                releaseInstance(&e)
                return
            }
            throw error
        }
    }

    /// `gen.throw(type)`, `gen.throw(instance)` or `gen.throw(type, value)`: the exception to raise inside.
    package func exceptionForThrow(_ a: BuiltinArgs) throws(PyError) -> PyError {
        let v = a[1]
        if a.count == 3, v.isObject, v.objectKind == .cls, a[2] != .none {
            let cls = unsafeDowncast(v.object, to: PyClass.self)
            guard cls.isSubclass(of: runtime.classes.baseException) else { throw typeError("exceptions must derive from BaseException") }
            incref(v)
            let inst = try instantiate(cls, v, a.values + 2, count: 1, keywords: nil)
            decref(v)
            return try exceptionToRaise(inst)
        }
        guard v.isObject, v.objectKind == .cls || v.objectKind == .instance else {
            throw typeError("exceptions must be classes or instances deriving from BaseException, not \(typeName(v))")
        }
        incref(v)
        return try exceptionToRaise(v)
    }
}

extension Builtins {
    /// The generator methods, `super`, and the set type's methods.
    package static let functionsAndCollections: [Builtin] = [
        Builtin("send", on: .generator) { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            return try ts.generatorStep(unsafeDowncast(a[0].object, to: PyGenerator.self), sending: a[1])
        },
        Builtin("throw", on: .generator) { ts, a throws(PyError) in
            try a.expect(2...3, ts)
            let gen = unsafeDowncast(a[0].object, to: PyGenerator.self)
            return try ts.generatorStep(gen, throwing: try ts.exceptionForThrow(a))
        },
        Builtin("close", on: .generator) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            try ts.closeGenerator(unsafeDowncast(a[0].object, to: PyGenerator.self))
            return .none
        },
        Builtin("super") { ts, a throws(PyError) in
            guard a.count == 2 else {
                throw ts.error(ts.runtime.classes.runtimeError, "super(): conclab's Python supports super() only inside a method, or super(Class, obj)")
            }
            guard a[0].isObject, a[0].objectKind == .cls else { throw ts.typeError("super() argument 1 must be a type, not \(ts.typeName(a[0]))") }
            let cls = unsafeDowncast(a[0].object, to: PyClass.self)
            ts.incref(a[0])
            ts.incref(a[1])
            return ts.allocate(PySuper(cls: cls, classValue: a[0], selfValue: a[1], id: ts.runtime.heap.newID(), owner: ts.ownerForNew))
        },
        Builtin("map") { ts, a throws(PyError) in
            guard a.count >= 2 else { throw ts.typeError("map() must have at least two arguments.") }
            try a.expect(2...Int.max, ts)
            return try ts.lazyIterator(.map, function: a[0], sources: (1..<a.count).map { a[$0] })
        },
        Builtin("filter") { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            return try ts.lazyIterator(.filter, function: a[0], sources: [a[1]])
        },
        Builtin("set") { ts, a throws(PyError) in
            try a.expect(0...1, ts)
            if a.count == 0 { return try ts.newSet([]) }
            let items = try ts.collect(a[0])
            defer { for v in items { ts.decref(v) } }
            return try ts.newSet(items)
        },
        Builtin("add", on: .set) { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            try ts.setAdd(unsafeDowncast(a[0].object, to: PySet.self), a[1])
            return .none
        },
        Builtin("remove", on: .set) { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            if try !ts.setDiscard(unsafeDowncast(a[0].object, to: PySet.self), a[1]) {
                throw try ts.keyError(a[1])
            }
            return .none
        },
        Builtin("discard", on: .set) { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            _ = try ts.setDiscard(unsafeDowncast(a[0].object, to: PySet.self), a[1])
            return .none
        },
        Builtin("pop", on: .set) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let set = unsafeDowncast(a[0].object, to: PySet.self)
            guard let first = ts.setOrder(set).first else { throw ts.keyError(saying: "pop from an empty set") }
            ts.incref(first)
            _ = try ts.setDiscard(set, first)
            return first
        },
        Builtin("clear", on: .set) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let old = unsafeDowncast(a[0].object, to: PySet.self).storage.withLock { s in defer { s = PyDictStorage() }; return s.entries.compactMap { $0?.key } }
            for v in old { ts.decref(v) }
            return .none
        },
        Builtin("copy", on: .set) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return try ts.newSet(ts.setOrder(unsafeDowncast(a[0].object, to: PySet.self)))
        },
        Builtin("isdisjoint", on: .set) { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let common = try setMethod(ts, a, .binaryAnd)
            defer { ts.decref(common) }
            return .bool(unsafeDowncast(common.object, to: PySet.self).storage.withLock { $0.count } == 0)
        },
        Builtin("difference_update", on: .set) { ts, a throws(PyError) in try setUpdate(ts, a, .binarySub) },
        Builtin("intersection_update", on: .set) { ts, a throws(PyError) in try setUpdate(ts, a, .binaryAnd) },
        Builtin("symmetric_difference_update", on: .set) { ts, a throws(PyError) in try setUpdate(ts, a, .binaryXor) },
        Builtin("union", on: .set) { ts, a throws(PyError) in try setMethod(ts, a, .binaryOr) },
        Builtin("intersection", on: .set) { ts, a throws(PyError) in try setMethod(ts, a, .binaryAnd) },
        Builtin("difference", on: .set) { ts, a throws(PyError) in try setMethod(ts, a, .binarySub) },
        Builtin("symmetric_difference", on: .set) { ts, a throws(PyError) in try setMethod(ts, a, .binaryXor) },
        Builtin("update", on: .set) { ts, a throws(PyError) in
            let r = try setMethod(ts, a, .inplaceOr)
            ts.decref(r)
            return .none
        },
        Builtin("issubset", on: .set) { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let other = try ts.collect(a[1])
            defer { for v in other { ts.decref(v) } }
            let otherSet = try ts.newSet(other)
            defer { ts.decref(otherSet) }
            for v in unsafeDowncast(a[0].object, to: PySet.self).members where try !ts.setContains(unsafeDowncast(otherSet.object, to: PySet.self), v) { return .false }
            return .true
        },
        Builtin("issuperset", on: .set) { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let other = try ts.collect(a[1])
            defer { for v in other { ts.decref(v) } }
            for v in other where try !ts.setContains(unsafeDowncast(a[0].object, to: PySet.self), v) { return .false }
            return .true
        },
    ]

    /// `s.union(…)` and the like: any iterables as arguments, as in CPython.
    /// `s.difference_update(t)` and the like: the set becomes what the operator gives (the members swapped in, the
    /// old ones released with the set that held the result).
    static func setUpdate(_ ts: PyThreadState, _ a: BuiltinArgs, _ op: Op) throws(PyError) -> PyValue {
        let result = try setMethod(ts, a, op)
        defer { ts.decref(result) }
        let target = unsafeDowncast(a[0].object, to: PySet.self), made = unsafeDowncast(result.object, to: PySet.self)
        let mine = target.storage.withLock { $0 }
        let theirs = made.storage.withLock { $0 }
        target.storage.withLock { $0 = theirs }
        made.storage.withLock { $0 = mine }
        return .none
    }

    static func setMethod(_ ts: PyThreadState, _ a: BuiltinArgs, _ op: Op) throws(PyError) -> PyValue {
        try a.expect(1...Int.max, ts)
        var current = a[0]
        ts.incref(current)
        for i in 1..<max(1, a.count) {
            let items = try ts.collect(a[i])
            let other = try ts.newSet(items)
            for v in items { ts.decref(v) }
            defer { ts.decref(other) }
            guard let r = try ts.setOperation(op, unsafeDowncast(current.object, to: PySet.self), unsafeDowncast(other.object, to: PySet.self)) else { break }
            ts.decref(current)
            current = r
        }
        if a.count == 1 && op != .inplaceOr {
            ts.decref(current)
            return try ts.newSet(ts.setOrder(unsafeDowncast(a[0].object, to: PySet.self)))
        }
        return current
    }
}

extension PyThreadState {
    /// repr of the objects this file adds: `{1, 2}`, `set()`, `dict_keys([…])`, `<map object #7>`.
    package func collectionRepr(_ o: PyObject, depth: Int) throws(PyError) -> String {
        switch o.kind {
        case .set:
            let members = setOrder(unsafeDowncast(o, to: PySet.self))
            if members.isEmpty { return "set()" }
            return "{" + (try members.pyMap { (x: PyValue) throws(PyError) in try repr(x, depth: depth + 1) }).joined(separator: ", ") + "}"
        case .dictView:
            let view = unsafeDowncast(o, to: PyDictView.self)
            let items = try dictViewItems(view)
            defer { for v in items { decref(v) } }
            return view.flavor.rawValue + "([" + (try items.pyMap { (x: PyValue) throws(PyError) in try repr(x, depth: depth + 1) }).joined(separator: ", ") + "])"
        case .lazyIterator:
            return "<\(o.typeName) object #\(o.id)>"
        case .superProxy:
            return "<super: <class '\(unsafeDowncast(o, to: PySuper.self).cls.name)'>, <\(typeName(unsafeDowncast(o, to: PySuper.self).selfValue)) object>>"
        default:
            return "<\(o.typeName) object #\(o.id)>"
        }
    }

    /// What a dict view holds now (owned): keys, values or (key, value) tuples.
    package func dictViewItems(_ view: PyDictView) throws(PyError) -> [PyValue] {
        guard view.dict.isObject, let d = view.dict.object as? PyDict else { return [] }
        try check(d)
        let entries = d.storage.withLock { $0.entries.compactMap { $0 } }
        switch view.flavor {
        case .keys: return entries.map { incref($0.key); return $0.key }
        case .values: return entries.map { incref($0.value); return $0.value }
        case .items: return entries.map { e in incref(e.key); incref(e.value); return newTuple([e.key, e.value]) }
        }
    }
}

extension PyThreadState {
    /// A class object standing for a kind with no built-in of its name: `type(f)` is `<class 'function'>`.
    package func typeObject(_ name: String) -> PyValue {
        runtime.typeObjects.withLock { table in
            if let v = table[name] { return v }
            let cls = PyClass(name: name, base: runtime.classes.object, baseValue: .object(Unmanaged.passUnretained(runtime.classes.object)),
                              attributes: [:], id: runtime.heap.newID(), immortal: true, owner: 0)
            let v = runtime.heap.immortal(cls)
            table[name] = v
            return v
        }
    }

    /// `map`, `filter`, `zip`, `enumerate`: iterators over the sources' iterators, pulled one item at a time.
    package func lazyIterator(_ flavor: PyLazyIterator.Flavor, function: PyValue, sources: [PyValue], start: Int = 0) throws(PyError) -> PyValue {
        var iterators: [PyValue] = []
        do throws(PyError) {
            for s in sources { iterators.append(try iterate(s)) }
        } catch {
            for it in iterators { decref(it) }
            if error.type === runtime.classes.typeError, let bad = sources.first(where: { (try? iterate($0)).map { decref($0); return false } ?? true }) {
                var e = error
                releaseInstance(&e)
                let what = flavor == .zip ? "zip argument #\((sources.firstIndex(where: { $0 == bad }) ?? 0) + 1) must support iteration"
                    : "'\(typeName(bad))' object is not iterable"
                throw typeError(what)
            }
            throw error
        }
        incref(function)
        return allocate(PyLazyIterator(flavor, function: function, sources: iterators, start: start, id: runtime.heap.newID(), owner: ownerForNew))
    }

    /// One step of a lazy iterator (owned), nil at the end.
    package func lazyNext(_ it: PyLazyIterator) throws(PyError) -> PyValue? {
        if it.exhausted.load(ordering: .relaxed) { return nil }
        switch it.flavor {
        case .map:
            var args: [PyValue] = []
            defer { for v in args { decref(v) } }
            for source in it.sources {
                guard let v = try iterNext(source) else { it.exhausted.store(true, ordering: .relaxed); return nil }
                args.append(v)
            }
            return try call(it.function, args)
        case .filter:
            guard let source = it.sources.first else { return nil }
            while let v = try iterNext(source) {
                let keep: Bool
                do throws(PyError) {
                    if it.function == .none {
                        keep = try truthy(v)
                    } else {
                        let r = try call(it.function, [v])
                        defer { decref(r) }
                        keep = try truthy(r)
                    }
                } catch {
                    decref(v)
                    throw error
                }
                if keep { return v }
                decref(v)
            }
            it.exhausted.store(true, ordering: .relaxed)
            return nil
        case .zip:
            if it.sources.isEmpty { return nil }
            var items: [PyValue] = []
            for source in it.sources {
                guard let v = try iterNext(source) else {
                    for x in items { decref(x) }
                    it.exhausted.store(true, ordering: .relaxed)
                    return nil
                }
                items.append(v)
            }
            return newTuple(items)
        case .enumerate:
            guard let source = it.sources.first, let v = try iterNext(source) else { it.exhausted.store(true, ordering: .relaxed); return nil }
            let n = it.counter.wrappingAdd(1, ordering: .relaxed).oldValue
            return newTuple([.int(n), v])
        }
    }

    /// `reversed(seq)`: an iterator from the end of a list, tuple, string, range or dict (a snapshot of it);
    /// anything else is the TypeError CPython gives.
    package func reversedIterator(_ v: PyValue) throws(PyError) -> PyValue {
        guard v.isObject, [.list, .tuple, .str, .bytes, .range, .dict].contains(v.objectKind) else {
            throw typeError("'\(typeName(v))' object is not reversible")
        }
        let items = try collect(v)
        return allocate(PySeqIterator(sequence: newTuple(items.reversed()), id: runtime.heap.newID(), owner: ownerForNew))
    }

    /// `a | b`, `a & b`, `a - b`, `a ^ b` on sets (and their in-place forms, which change `a`). Nil for other operators.
    package func setOperation(_ op: Op, _ a: PySet, _ b: PySet) throws(PyError) -> PyValue? {
        let left = setOrder(a), right = setOrder(b)
        var result: [PyValue] = []
        switch op {
        case .binaryOr, .inplaceOr: result = left + right
        case .binaryAnd, .inplaceAnd: for v in left where try setContains(b, v) { result.append(v) }
        case .binarySub, .inplaceSub: for v in left where try !setContains(b, v) { result.append(v) }
        case .binaryXor, .inplaceXor:
            for v in left where try !setContains(b, v) { result.append(v) }
            for v in right where try !setContains(a, v) { result.append(v) }
        default: return nil
        }
        if [.inplaceOr, .inplaceAnd, .inplaceSub, .inplaceXor].contains(op) {
            let old = a.storage.withLock { s in defer { s = PyDictStorage() }; return s.entries.compactMap { $0?.key } }
            for v in result { try setAdd(a, v) }
            for v in old { decref(v) }
            let value = PyValue.object(Unmanaged.passUnretained(a))
            incref(value)
            return value
        }
        return try newSet(result)
    }
}

/// `sorted(…, key=, reverse=)` and `list.sort(key=, reverse=)`: a stable sort on the keys the function gives.
package func sortedByKey(_ ts: PyThreadState, _ items: [PyValue], _ a: BuiltinArgs) throws(PyError) -> [PyValue] {
    let reverse = try a.keyword("reverse").map { (v: PyValue) throws(PyError) in try ts.truthy(v) } ?? false
    guard let key = a.keyword("key"), key != .none else { return try Builtins.sorted(ts, items, reverse: reverse) }
    var keys: [PyValue] = []
    defer { for k in keys { ts.decref(k) } }
    for v in items { keys.append(try ts.call(key, [v])) }
    // Sort the positions by key (a tuple of the key and the position keeps it stable under `reverse` too).
    var order: [Int] = Array(items.indices)
    var failure: PyError?
    order = mergeSort(order) { i, j in
        if failure != nil { return true }
        do throws(PyError) {
            let c = try ts.order(keys[i], keys[j], .compareLT)
            return reverse ? c >= 0 : c <= 0
        } catch {
            failure = error
            return true
        }
    }
    if let failure { throw failure }
    return order.map { items[$0] }
}

/// A stable merge sort; `inOrder(x, y)` says x may stay before y.
func mergeSort(_ xs: [Int], _ inOrder: (Int, Int) -> Bool) -> [Int] {
    if xs.count < 2 { return xs }
    let mid = xs.count / 2
    let left = mergeSort(Array(xs[..<mid]), inOrder), right = mergeSort(Array(xs[mid...]), inOrder)
    var out: [Int] = []
    out.reserveCapacity(xs.count)
    var i = 0, j = 0
    while i < left.count && j < right.count {
        if inOrder(left[i], right[j]) { out.append(left[i]); i += 1 } else { out.append(right[j]); j += 1 }
    }
    return out + left[i...] + right[j...]
}
