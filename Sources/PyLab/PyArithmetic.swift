import LabCore
import BigInt

/// The arithmetic operators on snippet values; integers go through the shared kernel, `PyInt`.
extension PyThreadState {
    /// `s * count`, built a mebibyte at a time with a stop check between: a 100 MB string stays cancellable.
    private func repeated(_ s: String, _ count: Int) throws(PyError) -> String {
        let size = s.utf8.count
        guard size > 0, count > 1, size * count > 1 << 20 else { return String(repeating: s, count: count) }
        let perPiece = max(1, (1 << 20) / size)
        let piece = String(repeating: s, count: min(perPiece, count))
        var out = ""
        out.reserveCapacity(size * count)
        var left = count
        while left >= perPiece {
            out += piece
            left -= perPiece
            try periodicCheck()
        }
        if left > 0 { out += String(repeating: s, count: left) }
        return out
    }

    /// `s += t` (or `s = s + t`) on two strings when the only references to `s` are the operand on the stack and
    /// the variable the next instruction stores the result into (`target`, its current value): CPython's
    /// `unicode_concatenate`. The string grows in place, so a loop of appends is linear; the caller keeps `a` on
    /// the stack as the result and drops `b`. Only with the GIL on (the caller checks): then the counts are exact
    /// and no other thread runs, so nobody else can see the string change.
    @inline(never) package func concatenateInPlace(_ a: PyValue, _ b: PyValue, replacing target: PyValue) throws(PyError) -> Bool {
        guard a == target, b.isObject, b.objectKind == .str else { return false }
        let limit = runtime.limits.stringBytes
        // Both strings read without retaining them (nor their text): Swift's retains and releases around these
        // reads were a third of the string-building bench's time.
        let appended: Bool? = a.unmanaged._withUnsafeGuaranteedRef { o -> Bool? in
            let s = unsafeDowncast(o, to: PyStr.self)
            guard !s.immortal, s.totalCount == 2, !s.isFreed else { return nil }
            return b.unmanaged._withUnsafeGuaranteedRef { t in s.append(unsafeDowncast(t, to: PyStr.self), limit: limit) }
        }
        guard let appended else { return false }
        if !appended { throw memoryError(runtime.limits.stringMessage) }
        return true
    }

    package func binary(_ op: Op, _ a: PyValue, _ b: PyValue) throws(PyError) -> PyValue {
        if let x = asInt(a), let y = asInt(b) { return try integerOp(op, x, y) }
        if a.isObject && b.isObject && a.objectKind == .float && b.objectKind == .float {
            return try floatOp(op, unsafeDowncast(a.object, to: PyFloat.self).value, unsafeDowncast(b.object, to: PyFloat.self).value)
        }
        let symbol = Self.symbol(op)
        if a.isObject && b.isObject {
            try check(a.object)
            try check(b.object)
            let oa = a.object, ob = b.object
            switch (oa.kind, ob.kind) {
            case (.set, .set):
                if let r = try setOperation(op, unsafeDowncast(oa, to: PySet.self), unsafeDowncast(ob, to: PySet.self)) { return r }
            case (.str, .str) where op == .binaryAdd || op == .inplaceAdd:
                let (left, right) = (unsafeDowncast(oa, to: PyStr.self).value, unsafeDowncast(ob, to: PyStr.self).value)
                guard left.utf8.count + right.utf8.count <= runtime.limits.stringBytes else { throw memoryError(runtime.limits.stringMessage) }
                return newString(left + right)
            case (.list, .list) where op == .inplaceAdd:
                let extra = unsafeDowncast(ob, to: PyList.self).items.withLock { $0 }
                let have = unsafeDowncast(oa, to: PyList.self).items.withLock { $0.count }
                guard have + extra.count <= runtime.limits.listItems else { throw memoryError(runtime.limits.listMessage) }
                for v in extra { incref(v) }
                unsafeDowncast(oa, to: PyList.self).items.withLock { $0 += extra }
                incref(a)
                return a
            case (.list, .list) where op == .binaryAdd:
                let items = unsafeDowncast(oa, to: PyList.self).items.withLock { $0 } + unsafeDowncast(ob, to: PyList.self).items.withLock { $0 }
                guard items.count <= runtime.limits.listItems else { throw memoryError(runtime.limits.listMessage) }
                for v in items { incref(v) }
                return newList(items)
            case (.dict, .dict) where op == .binaryOr || op == .inplaceOr:
                return try dictUnion(a, b, inPlace: op == .inplaceOr)
            case (.dictView, _), (_, .dictView):
                if let r = try dictViewOperation(op, a, b) { return r }
            case (.tuple, .tuple) where op == .binaryAdd || op == .inplaceAdd:
                let items = unsafeDowncast(oa, to: PyTuple.self).items + unsafeDowncast(ob, to: PyTuple.self).items
                for v in items { incref(v) }
                return newTuple(items)
            default: break
            }
        }
        if op == .inplaceAdd, a.isObject, a.objectKind == .list, b.isObject ? b.objectKind != .instance || isIterableInstance(b) : true {
            // list += any iterable extends it (list.__iadd__ is list.extend), as CPython does.
            try check(a.object)
            try extendList(unsafeDowncast(a.object, to: PyList.self), with: b)
            incref(a)
            return a
        }
        if op == .binaryMul || op == .inplaceMul {
            let (seq, n) = asInt(a) != nil ? (b, asInt(a) ?? 0) : (a, asInt(b) ?? 0)
            if seq.isObject && (asInt(a) != nil || asInt(b) != nil) {
                try check(seq.object)
                let count = max(0, n)
                switch seq.object.kind {
                case .str:
                    let s = unsafeDowncast(seq.object, to: PyStr.self).value
                    guard count == 0 || s.utf8.count <= runtime.limits.stringBytes / count else { throw memoryError(runtime.limits.stringMessage) }
                    return newString(try repeated(s, count))
                case .list, .tuple:
                    let items = sequenceItems(seq.object)
                    guard count == 0 || items.count <= runtime.limits.listItems / count else { throw memoryError(runtime.limits.listMessage) }
                    if seq.object.kind == .tuple, count == 1 { incref(seq); return seq }
                    var result: [PyValue] = []
                    result.reserveCapacity(items.count * count)
                    for _ in 0..<count { for v in items { incref(v); result.append(v) } }
                    return seq.object.kind == .list ? newList(result) : newTuple(result)
                default: break
                }
            }
        }
        if (a.isObject && a.objectKind == .instance) || (b.isObject && b.objectKind == .instance),
           let r = try instanceOperator(op, a, b) { return r }
        if let r = try bytesOperator(op, a, b) { return r }
        if let r = try numberOp(op, a, b) { return r }
        if (op == .binaryMod || op == .inplaceMod), let format = string(a) { return newString(try percentFormat(format, b)) }
        // CPython's words for the two mistakes learners make most.
        if op == .binaryAdd || op == .inplaceAdd, let left = a.isObject ? a.object.kind : nil, [.str, .list, .tuple].contains(left) {
            let name = typeName(a)
            throw typeError("can only concatenate \(name) (not \"\(typeName(b))\") to \(name)")
        }
        if op == .binaryMul || op == .inplaceMul, a.isObject || b.isObject,
           let (sequence, other) = [(a, b), (b, a)].first(where: { $0.0.isObject && [.str, .list, .tuple].contains($0.0.object.kind) }),
           asInt(other) == nil {
            _ = sequence
            throw typeError("can't multiply sequence by non-int of type '\(typeName(other))'")
        }
        throw typeError("unsupported operand type(s) for \(symbol): '\(typeName(a))' and '\(typeName(b))'")
    }

    /// `a | b` (a new dict: a's items, then b's over them) or `a |= b` (b's items into a).
    private func dictUnion(_ a: PyValue, _ b: PyValue, inPlace: Bool) throws(PyError) -> PyValue {
        let target: PyValue
        if inPlace {
            incref(a)
            target = a
        } else {
            target = allocate(PyDict(id: runtime.heap.newID(), owner: ownerForNew))
        }
        do throws(PyError) {
            let d = unsafeDowncast(target.object, to: PyDict.self)
            for source in inPlace ? [b] : [a, b] {
                let entries = unsafeDowncast(source.object, to: PyDict.self).storage.withLock { $0.entries.compactMap { $0 } }
                for e in entries { try dictSet(d, e.key, e.value) }
            }
        } catch {
            decref(target)
            throw error
        }
        return target
    }

    /// `d.keys() & s`, `|`, `-`, `^` (and `d.items()` alike): the view's members and the other operand's as sets,
    /// a new set as the answer. Nil for values views and other operators (the caller raises the TypeError).
    private func dictViewOperation(_ op: Op, _ a: PyValue, _ b: PyValue) throws(PyError) -> PyValue? {
        guard [.binaryAnd, .binaryOr, .binarySub, .binaryXor, .inplaceAnd, .inplaceOr, .inplaceSub, .inplaceXor].contains(op) else { return nil }
        for v in [a, b] where v.objectKind == .dictView && unsafeDowncast(v.object, to: PyDictView.self).flavor == .values { return nil }
        func asSet(_ v: PyValue) throws(PyError) -> PyValue {
            let items = try collect(v)
            defer { for x in items { decref(x) } }
            return try newSet(items)
        }
        let left = try asSet(a)
        defer { decref(left) }
        let right = try asSet(b)
        defer { decref(right) }
        let plain: Op = [.inplaceAnd: .binaryAnd, .inplaceOr: .binaryOr, .inplaceSub: .binarySub, .inplaceXor: .binaryXor][op] ?? op
        return try setOperation(plain, unsafeDowncast(left.object, to: PySet.self), unsafeDowncast(right.object, to: PySet.self))
    }

    /// An instance whose class defines `__iter__` (so `list += obj` extends with it instead of asking `__radd__`).
    private func isIterableInstance(_ v: PyValue) -> Bool {
        unsafeDowncast(v.object, to: PyInstance.self).cls.lookup(runtime.names.iterID) != nil
    }

    package static func symbol(_ op: Op) -> String {
        switch op {
        case .binaryAdd: return "+"
        case .inplaceAdd: return "+="
        case .binarySub: return "-"
        case .inplaceSub: return "-="
        case .binaryMul: return "*"
        case .inplaceMul: return "*="
        case .binaryFloorDiv: return "//"
        case .inplaceFloorDiv: return "//="
        case .binaryMod: return "%"
        case .inplaceMod: return "%="
        case .binaryPow: return "** or pow()"
        case .inplacePow: return "**="
        case .binaryTrueDiv: return "/"
        case .inplaceTrueDiv: return "/="
        case .binaryAnd: return "&"
        case .inplaceAnd: return "&="
        case .binaryOr: return "|"
        case .inplaceOr: return "|="
        case .binaryXor: return "^"
        case .inplaceXor: return "^="
        case .binaryLShift: return "<<"
        case .inplaceLShift: return "<<="
        case .binaryRShift: return ">>"
        case .inplaceRShift: return ">>="
        case .compareLT: return "<"
        case .compareLE: return "<="
        case .compareGT: return ">"
        case .compareGE: return ">="
        case .compareEQ: return "=="
        case .compareNE: return "!="
        default: return op.name
        }
    }

    /// Two small integers: Python's operators from the kernel; an answer past 63 bits is a big integer, a true
    /// division or a negative power a float.
    package func integerOp(_ op: Op, _ x: Int, _ y: Int) throws(PyError) -> PyValue {
        switch op {
        case .binaryPow, .inplacePow: if y < 0 { return try floatOp(op, Double(x), Double(y)) }
        case .binaryTrueDiv, .inplaceTrueDiv: return try bigOp(op, BigInt(x), BigInt(y))
        case .binaryLShift, .inplaceLShift, .binaryRShift, .inplaceRShift: if y < 0 { return try bigOp(op, BigInt(x), BigInt(y)) }
        default: break
        }
        let r: Int
        do throws(PyInt.Failure) {
            switch op {
            case .binaryAdd, .inplaceAdd: r = try PyInt.add(x, y)
            case .binarySub, .inplaceSub: r = try PyInt.subtract(x, y)
            case .binaryMul, .inplaceMul: r = try PyInt.multiply(x, y)
            case .binaryFloorDiv, .inplaceFloorDiv: r = try PyInt.floorDivide(x, y)
            case .binaryMod, .inplaceMod: r = try PyInt.modulo(x, y)
            case .binaryPow, .inplacePow: r = try PyInt.power(x, y)
            case .binaryAnd, .inplaceAnd: r = x & y
            case .binaryOr, .inplaceOr: r = x | y
            case .binaryXor, .inplaceXor: r = x ^ y
            case .binaryLShift, .inplaceLShift:
                if y >= 63 && x != 0 { throw PyInt.Failure.overflow }
                r = y >= 63 ? 0 : x << y
                if r >> min(y, 63) != x && x != 0 { throw PyInt.Failure.overflow }
            case .binaryRShift, .inplaceRShift: r = x >> min(y, 63)
            default: throw PyInt.Failure.overflow
            }
        } catch {
            if error == .overflow { return try bigOp(op, BigInt(x), BigInt(y)) }
            throw pythonError(error)
        }
        if let v = PyValue.checkedInt(r) { return v }
        return newInt(BigInt(r))
    }

    package func unary(_ op: Op, _ v: PyValue) throws(PyError) -> PyValue {
        if op == .unaryNot { return try truthy(v) ? .false : .true }
        if v.isObject, v.objectKind == .instance,
           let m = unsafeDowncast(v.object, to: PyInstance.self).cls.lookup(runtime.intern(op == .unaryNegative ? "__neg__" : op == .unaryPositive ? "__pos__" : "__invert__")) {
            return try call(m, [v])
        }
        guard let n = number(v) else {
            let symbol = op == .unaryNegative ? "-" : op == .unaryPositive ? "+" : "~"
            throw typeError("bad operand type for unary \(symbol): '\(typeName(v))'")
        }
        switch n {
        case .small(let x):
            switch op {
            case .unaryNegative: return x == PyValue.minInt ? newInt(-BigInt(x)) : .int(-x)
            case .unaryPositive: return .int(x)
            default: return .int(~x)
            }
        case .big(let x):
            switch op {
            case .unaryNegative: return newInt(-x)
            case .unaryPositive: incref(v); return v
            default: return newInt(-x - 1)
            }
        case .float(let x):
            switch op {
            case .unaryNegative: return newFloat(-x)
            case .unaryPositive: incref(v); return v
            default: throw typeError("bad operand type for unary ~: 'float'")
            }
        }
    }
}

extension PyThreadState {
    /// The method name of a binary operator without its underscores (`add` for `+` and `+=`), and whether the
    /// operator is the in-place one.
    static func operatorName(_ op: Op) -> (String, Bool)? {
        switch op {
        case .binaryAdd: return ("add", false)
        case .binarySub: return ("sub", false)
        case .binaryMul: return ("mul", false)
        case .binaryTrueDiv: return ("truediv", false)
        case .binaryFloorDiv: return ("floordiv", false)
        case .binaryMod: return ("mod", false)
        case .binaryPow: return ("pow", false)
        case .binaryAnd: return ("and", false)
        case .binaryOr: return ("or", false)
        case .binaryXor: return ("xor", false)
        case .binaryLShift: return ("lshift", false)
        case .binaryRShift: return ("rshift", false)
        case .inplaceAdd: return ("add", true)
        case .inplaceSub: return ("sub", true)
        case .inplaceMul: return ("mul", true)
        case .inplaceTrueDiv: return ("truediv", true)
        case .inplaceFloorDiv: return ("floordiv", true)
        case .inplaceMod: return ("mod", true)
        case .inplacePow: return ("pow", true)
        case .inplaceAnd: return ("and", true)
        case .inplaceOr: return ("or", true)
        case .inplaceXor: return ("xor", true)
        case .inplaceLShift: return ("lshift", true)
        case .inplaceRShift: return ("rshift", true)
        default: return nil
        }
    }

    /// An operator on an instance, as CPython dispatches it: `__iadd__` first for `+=`, then the left operand's
    /// `__add__`, then the right operand's `__radd__`; a method that returns `NotImplemented` passes the turn on. Nil
    /// when no method answered (the caller raises the TypeError).
    func instanceOperator(_ op: Op, _ a: PyValue, _ b: PyValue) throws(PyError) -> PyValue? {
        guard let (name, inplace) = Self.operatorName(op) else { return nil }
        func method(_ v: PyValue, _ dunder: String) -> PyValue? {
            guard v.isObject, v.objectKind == .instance else { return nil }
            return unsafeDowncast(v.object, to: PyInstance.self).cls.lookup(runtime.intern(dunder))
        }
        let notImplemented = runtime.notImplemented
        var attempts: [(PyValue, [PyValue])] = []
        if inplace, let m = method(a, "__i\(name)__") { attempts.append((m, [a, b])) }
        if let m = method(a, "__\(name)__") { attempts.append((m, [a, b])) }
        if let m = method(b, "__r\(name)__") { attempts.append((m, [b, a])) }
        for (m, args) in attempts {
            let r = try call(m, args)
            if r != notImplemented { return r }
        }
        return nil
    }
}

