import LabCore

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

    package func binary(_ op: Op, _ a: PyValue, _ b: PyValue) throws(PyError) -> PyValue {
        if let x = asInt(a), let y = asInt(b) { return try integerOp(op, x, y) }
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
            case (.tuple, .tuple) where op == .binaryAdd || op == .inplaceAdd:
                let items = unsafeDowncast(oa, to: PyTuple.self).items + unsafeDowncast(ob, to: PyTuple.self).items
                for v in items { incref(v) }
                return newTuple(items)
            default: break
            }
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
                case .list:
                    let items = unsafeDowncast(seq.object, to: PyList.self).items.withLock { $0 }
                    guard count == 0 || items.count <= runtime.limits.listItems / count else { throw memoryError(runtime.limits.listMessage) }
                    var result: [PyValue] = []
                    result.reserveCapacity(items.count * count)
                    for _ in 0..<count { for v in items { incref(v); result.append(v) } }
                    return newList(result)
                default: break
                }
            }
        }
        if (op == .binaryTrueDiv || op == .inplaceTrueDiv) && asInt(a) != nil && asInt(b) != nil {
            throw typeError("conclab has no floats: use // for integer division")
        }
        if op == .binaryMod && string(a) != nil {
            throw typeError("%-formatting of strings is not supported; use an f-string")
        }
        throw typeError("unsupported operand type(s) for \(symbol): '\(typeName(a))' and '\(typeName(b))'")
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

    /// Two integers: Python's operators from the kernel, then the 63-bit check of a snippet integer.
    package func integerOp(_ op: Op, _ x: Int, _ y: Int) throws(PyError) -> PyValue {
        switch op {
        case .binaryAdd, .inplaceAdd: return try int(x, y, PyInt.add)
        case .binarySub, .inplaceSub: return try int(x, y, PyInt.subtract)
        case .binaryMul, .inplaceMul: return try int(x, y, PyInt.multiply)
        case .binaryFloorDiv, .inplaceFloorDiv: return try int(x, y, PyInt.floorDivide)
        case .binaryMod, .inplaceMod: return try int(x, y, PyInt.modulo)
        case .binaryPow, .inplacePow: return try int(x, y, PyInt.power)
        case .binaryTrueDiv, .inplaceTrueDiv:
            throw typeError("conclab has no floats: use // for integer division")
        case .binaryAnd, .inplaceAnd: return .int(x & y)
        case .binaryOr, .inplaceOr: return .int(x | y)
        case .binaryXor, .inplaceXor: return .int(x ^ y)
        case .binaryLShift, .inplaceLShift:
            if y < 0 { throw valueError("negative shift count") }
            if y >= 63 { if x == 0 { return .int(0) }; throw overflow() }
            let r = x << y
            if r >> y != x { throw overflow() }
            return try int(r)
        case .binaryRShift, .inplaceRShift:
            if y < 0 { throw valueError("negative shift count") }
            return .int(x >> min(y, 63))
        default:
            throw typeError("unsupported integer operation \(op.name)")
        }
    }

    package func unary(_ op: Op, _ v: PyValue) throws(PyError) -> PyValue {
        if op == .unaryNot { return try truthy(v) ? .false : .true }
        guard let x = asInt(v) else {
            let symbol = op == .unaryNegative ? "-" : op == .unaryPositive ? "+" : "~"
            throw typeError("bad operand type for unary \(symbol): '\(typeName(v))'")
        }
        switch op {
        case .unaryNegative: return try int(x, PyInt.negate)
        case .unaryPositive: return .int(x)
        default: return .int(~x)
        }
    }
}
