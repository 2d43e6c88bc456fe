import LabCore
import LabOS
import BigInt

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
        case .float(let v): return runtime.constantFloat(v)
        case .bigInt(let v): return runtime.constantInt(v)
        case .string(let s): return runtime.constant(s)
        case .bytes(let b): return runtime.constantBytes(b)
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
            if let n = Self.constantNumber(v), !v.isInt {
                switch (op, n) {
                case ("-", .float(let x)): return runtime.constantFloat(-x)
                case ("-", .big(let x)): return runtime.constantInt(-x)
                case ("+", _): return v
                case ("~", .big(let x)): return runtime.constantInt(-x - 1)
                default: return nil
                }
            }
            guard v.isInt else { return nil }
            switch op {
            case "-": return runtime.constantInt(-BigInt(v.intValue))
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
        if let x = Self.constantNumber(a), let y = Self.constantNumber(b) { return foldNumbers(op, x, y) }
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

    /// A numeric constant (bools are the ints 0 and 1 to the folder, as to CPython's).
    package static func constantNumber(_ v: PyValue) -> PyNumber? {
        if v.isInt { return .small(v.intValue) }
        if v == .true { return .small(1) }
        if v == .false { return .small(0) }
        guard v.isObject else { return nil }
        switch v.objectKind {
        case .float: return .float(unsafeDowncast(v.object, to: PyFloat.self).value)
        case .bigint: return .big(unsafeDowncast(v.object, to: PyBigInt.self).value)
        default: return nil
        }
    }

    /// CPython's limits on what the folder builds (`Python/ast_opt.c`): an int result of at most 128 bits from `*`,
    /// `**` and `<<`; anything that raises is left to run.
    private func foldNumbers(_ op: String, _ x: PyNumber, _ y: PyNumber) -> PyValue? {
        let maxBits = 128
        if let p = x.integer, let q = y.integer {
            let pb = p.magnitude.bitWidth, qb = q.magnitude.bitWidth
            switch op {
            case "+": return runtime.constantInt(p + q)
            case "-": return runtime.constantInt(p - q)
            case "*": return !p.isZero && !q.isZero && pb + qb > maxBits ? nil : runtime.constantInt(p * q)
            case "//": return q.isZero ? nil : runtime.constantInt(PyNumbers.floorDivMod(p, q).0)
            case "%": return q.isZero ? nil : runtime.constantInt(PyNumbers.floorDivMod(p, q).1)
            case "/": return q.isZero ? nil : PyNumbers.trueDivide(p, q).map { runtime.constantFloat($0) }
            case "**":
                if q.sign == .minus {
                    guard !p.isZero, let a = PyNumbers.double(p), let b = PyNumbers.double(q) else { return nil }
                    return foldFloats(op, a, b)
                }
                if !p.isZero && !q.isZero {
                    guard let e = Int(exactly: q), pb <= maxBits / e else { return nil }
                    return runtime.constantInt(p.power(e))
                }
                return runtime.constantInt(p.power(Int(exactly: q) ?? 0))
            case "<<":
                guard q.sign == .plus, let n = Int(exactly: q) else { return nil }
                if !p.isZero && (n > maxBits || pb > maxBits - n) { return nil }
                return runtime.constantInt(p << n)
            case ">>":
                guard q.sign == .plus, let n = Int(exactly: q) else { return nil }
                return runtime.constantInt(p.sign == .minus ? -((-p - 1) >> n) - 1 : p >> n)
            case "&": return runtime.constantInt(PyNumbers.bitwise(.binaryAnd, p, q))
            case "|": return runtime.constantInt(PyNumbers.bitwise(.binaryOr, p, q))
            case "^": return runtime.constantInt(PyNumbers.bitwise(.binaryXor, p, q))
            default: return nil
            }
        }
        func d(_ n: PyNumber) -> Double? {
            switch n {
            case .float(let v): return v
            case .small(let i): return Double(i)
            case .big(let b): return PyNumbers.double(b)
            }
        }
        guard let a = d(x), let b = d(y) else { return nil }
        return foldFloats(op, a, b)
    }

    private func foldFloats(_ op: String, _ a: Double, _ b: Double) -> PyValue? {
        switch op {
        case "+": return runtime.constantFloat(a + b)
        case "-": return runtime.constantFloat(a - b)
        case "*": return runtime.constantFloat(a * b)
        case "/": return b == 0 ? nil : runtime.constantFloat(a / b)
        case "//": return b == 0 ? nil : runtime.constantFloat(PyNumbers.floatDivMod(a, b).0)
        case "%": return b == 0 ? nil : runtime.constantFloat(PyNumbers.floatDivMod(a, b).1)
        case "**":
            // Only the plain cases; anything CPython would raise on or answer with a complex is left to run.
            if a <= 0 { return nil }
            let r = FloatMath.pow(a, b)
            return r.isFinite ? runtime.constantFloat(r) : nil
        default: return nil
        }
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
        case .bytes: return !unsafeDowncast(v.object, to: PyBytes.self).value.isEmpty
        case .tuple: return !unsafeDowncast(v.object, to: PyTuple.self).items.isEmpty
        case .code: return true
        default: return nil
        }
    }
}
