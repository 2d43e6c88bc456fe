import LabCore

/// What CPython's AST optimiser folds before compiling (`Python/ast_opt.c`), as far as conclab's values go:
/// `-1`, `2 * 3`, `'a' + 'b'`, `not 0` and a tuple of constants become one `LOAD_CONST`, so `dis` shows the same
/// constants as 3.11. Whatever would fail (an overflow past 63 bits, a division by zero, a float) is left to run
/// and fail at run time, with the error it gives there.
extension Compiler {
    /// The longest string a fold may make (CPython's `MAX_STR_SIZE`).
    package static let foldedStringLimit = 4096

    /// `e` as one constant, or nil when it must be computed at run time.
    package func foldedConstant(_ e: Expr) -> PyValue? {
        switch e.kind {
        case .int(let v): return PyValue.checkedInt(v)
        case .string(let s): return runtime.constant(s)
        case .constant(.none): return PyValue.none
        case .constant(.true): return PyValue.true
        case .constant(.false): return PyValue.false
        case .tuple(let items):
            var values: [PyValue] = []
            for item in items {
                guard let v = foldedConstant(item) else { return nil }
                values.append(v)
            }
            return runtime.constantTuple(values)
        case .unary(let op, let operand):
            guard let v = foldedConstant(operand) else { return nil }
            if op == "not" { return Self.constantTruth(v).map { .bool(!$0) } }
            guard v.isInt else { return nil }
            switch op {
            case "-": return (try? PyInt.negate(v.intValue)).flatMap(PyValue.checkedInt)
            case "+": return v
            case "~": return PyValue.checkedInt(~v.intValue)
            default: return nil
            }
        case .binary(let op, let left, let right):
            guard let a = foldedConstant(left), let b = foldedConstant(right) else { return nil }
            return foldBinary(op, a, b)
        default:
            return nil
        }
    }

    private func foldBinary(_ op: String, _ a: PyValue, _ b: PyValue) -> PyValue? {
        if a.isInt && b.isInt {
            let x = a.intValue, y = b.intValue
            let r: Int?
            switch op {
            case "+": r = try? PyInt.add(x, y)
            case "-": r = try? PyInt.subtract(x, y)
            case "*": r = try? PyInt.multiply(x, y)
            case "//": r = try? PyInt.floorDivide(x, y)
            case "%": r = try? PyInt.modulo(x, y)
            case "**": r = y >= 0 ? (try? PyInt.power(x, y)) : nil
            case "&": r = x & y
            case "|": r = x | y
            case "^": r = x ^ y
            case "<<": r = y >= 0 && y < 63 && (x << y) >> y == x ? x << y : nil
            case ">>": r = y >= 0 ? x >> min(y, 63) : nil
            default: r = nil
            }
            return r.flatMap(PyValue.checkedInt)
        }
        let left = Self.constantText(a), right = Self.constantText(b)
        if op == "+", let left, let right, left.utf8.count + right.utf8.count <= Self.foldedStringLimit {
            return runtime.constant(left + right)
        }
        if op == "*" {
            let (text, count) = left != nil && b.isInt ? (left, b.intValue) : (right, a.isInt ? a.intValue : -1)
            if let text, count >= 0, text.utf8.count * count <= Self.foldedStringLimit {
                return runtime.constant(String(repeating: text, count: count))
            }
        }
        return nil
    }

    /// The text of a string constant.
    package static func constantText(_ v: PyValue) -> String? {
        guard v.isObject, v.objectKind == .str else { return nil }
        return unsafeDowncast(v.object, to: PyStr.self).value
    }

    /// Whether a constant is true, as `bool()` says; nil for a constant whose truth the compiler does not decide.
    package static func constantTruth(_ v: PyValue) -> Bool? {
        if v == .none || v == .false { return false }
        if v == .true { return true }
        if v.isInt { return v.intValue != 0 }
        guard v.isObject else { return nil }
        switch v.objectKind {
        case .str: return !unsafeDowncast(v.object, to: PyStr.self).value.isEmpty
        case .tuple: return !unsafeDowncast(v.object, to: PyTuple.self).items.isEmpty
        case .code: return true
        default: return nil
        }
    }
}
