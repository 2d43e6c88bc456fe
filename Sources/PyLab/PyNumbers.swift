import BigInt
import LabCore
import LabOS

/// A float: an immutable IEEE double on the heap, as CPython boxes every float. Make one with
/// `ts.newFloat(x)` (a new reference) or, for a constant, `runtime.constantFloat(x)` (immortal).
package final class PyFloat: PyObject, @unchecked Sendable {
    /// Changed only by the eval loop's float fast path, on a temporary no other thread can see (`floatArithmetic`).
    @exclusivity(unchecked) package var value: Double
    package init(_ value: Double, id: Int, immortal: Bool, owner: Int) {
        self.value = value
        super.init(kind: .float, id: id, immortal: immortal, owner: owner)
    }
}

/// An integer outside the 63 bits of a tagged `PyValue`: never one that fits (`ts.newInt(_:)` keeps small
/// integers in the word), so the eval loop's fast paths see every small integer as before.
package final class PyBigInt: PyObject, @unchecked Sendable {
    package let value: BigInt
    package init(_ value: BigInt, id: Int, immortal: Bool, owner: Int) {
        self.value = value
        super.init(kind: .bigint, id: id, immortal: immortal, owner: owner)
    }
}

/// A numeric value read out of a `PyValue` (bools count as the integers 0 and 1, as in Python).
package enum PyNumber: Equatable {
    case small(Int)
    case big(BigInt)
    case float(Double)

    /// The integer, exactly (nil for a float).
    package var integer: BigInt? {
        switch self {
        case .small(let i): return BigInt(i)
        case .big(let b): return b
        case .float: return nil
        }
    }
}

extension PyRuntime {
    /// An immortal float constant, one per bit pattern (so `0.0` and `-0.0` stay two constants, as in CPython).
    package func constantFloat(_ x: Double) -> PyValue {
        numberConstants.withLock { table in
            let key = "f\(x.bitPattern)"
            if let v = table[key] { return v }
            let v = heap.immortal(PyFloat(x, id: heap.newID(), immortal: true, owner: 0))
            table[key] = v
            return v
        }
    }

    /// An integer constant: tagged when it fits, else an immortal big integer.
    package func constantInt(_ x: BigInt) -> PyValue {
        if let i = Int(exactly: x), let v = PyValue.checkedInt(i) { return v }
        return numberConstants.withLock { table in
            let key = "i\(x)"
            if let v = table[key] { return v }
            let v = heap.immortal(PyBigInt(x, id: heap.newID(), immortal: true, owner: 0))
            table[key] = v
            return v
        }
    }
}

/// Python's numeric tower for conclab: int (tagged word or `PyBigInt`) and float, mixed as CPython mixes them.
extension PyThreadState {
    /// `+ - * /` with a float operand and a float or small-int other: the eval loop's fast path, or nil for anything
    /// else (the general `binary` then answers, and raises what CPython raises, division by zero included).
    /// Consumes both references. With the GIL on (`reuse`), a float operand that is a temporary (its one reference
    /// the stack's) becomes the result instead of a new object, as CPython 3.12's float ops reuse a dying operand:
    /// the counts are exact then and no other thread runs, so nothing else can see it change.
    @inline(__always) package func floatArithmetic(_ op: Op, _ a: PyValue, _ b: PyValue, reuse: Bool) -> PyValue? {
        let aFloat = a.isObject && a.objectKind == .float, bFloat = b.isObject && b.objectKind == .float
        guard aFloat || bFloat else { return nil }
        let x: Double, y: Double
        if aFloat { x = a.unmanaged._withUnsafeGuaranteedRef { unsafeDowncast($0, to: PyFloat.self).value } }
        else if a.isInt { x = Double(a.intValue) } else { return nil }
        if bFloat { y = b.unmanaged._withUnsafeGuaranteedRef { unsafeDowncast($0, to: PyFloat.self).value } }
        else if b.isInt { y = Double(b.intValue) } else { return nil }
        let r: Double
        switch op {
        case .binaryAdd, .inplaceAdd: r = x + y
        case .binarySub, .inplaceSub: r = x - y
        case .binaryMul, .inplaceMul: r = x * y
        case .binaryTrueDiv, .inplaceTrueDiv:
            if y == 0 { return nil }
            r = x / y
        case .binaryPow, .inplacePow:
            // A positive finite base and a finite result: none of `floatPower`'s special cases or errors.
            guard x > 0 && x.isFinite && y.isFinite else { return nil }
            let p = FloatMath.pow(x, y)
            guard p.isFinite else { return nil }
            r = p
        default: return nil
        }
        if reuse {
            if aFloat && reuseTemporary(a, r) {
                decref(b)
                return a
            }
            if bFloat && reuseTemporary(b, r) {
                decref(a)
                return b
            }
        }
        decref(a)
        decref(b)
        return newFloat(r)
    }

    /// Stores `r` in the float `v` when its only reference is the one being consumed (read without retaining it).
    @inline(__always) private func reuseTemporary(_ v: PyValue, _ r: Double) -> Bool {
        v.unmanaged._withUnsafeGuaranteedRef { o in
            let f = unsafeDowncast(o, to: PyFloat.self)
            guard !f.immortal, f.totalCount == 1, f.freedBy.load(ordering: .relaxed) == 0 else { return false }
            f.value = r
            return true
        }
    }

    /// A new float value (a new reference, like `newString`).
    package func newFloat(_ x: Double) -> PyValue {
        if floatPoolCount > 0 {
            floatPoolCount -= 1
            let pooled = floatPool[floatPoolCount]
            // A float this thread freed (see `floatPool`): its count and poison reset as a new object's are.
            let owner = ownerForNew
            pooled._withUnsafeGuaranteedRef { f in
                f.value = x
                f.shared.store(owner != 0 ? 0 : 1, ordering: .relaxed)
                f.local.store(owner != 0 ? 1 : 0, ordering: .relaxed)
                f.owner.store(owner, ordering: .relaxed)
                f.touchReported.store(false, ordering: .relaxed)
                f.mergeQueued.store(false, ordering: .relaxed)
                f.freedBy.store(0, ordering: .releasing)
            }
            allocatedHere &+= 1
            return PyValue(bits: UInt64(UInt(bitPattern: pooled.toOpaque())))
        }
        return allocate(PyFloat(x, id: runtime.heap.newID(), immortal: false, owner: ownerForNew))
    }

    /// An integer of any size: the tagged word when it fits in 63 bits, else a new `PyBigInt`.
    package func newInt(_ x: BigInt) -> PyValue {
        if let i = Int(exactly: x), let v = PyValue.checkedInt(i) { return v }
        return allocate(PyBigInt(x, id: runtime.heap.newID(), immortal: false, owner: ownerForNew))
    }

    @inline(__always) package func number(_ v: PyValue) -> PyNumber? {
        if let i = asInt(v) { return .small(i) }
        guard v.isObject else { return nil }
        switch v.objectKind {
        case .float: return .float(unsafeDowncast(v.object, to: PyFloat.self).value)
        case .bigint: return .big(unsafeDowncast(v.object, to: PyBigInt.self).value)
        default: return nil
        }
    }

    /// The float inside a float value (nil for anything else, ints included).
    package func floatValue(_ v: PyValue) -> Double? {
        guard v.isObject, v.objectKind == .float else { return nil }
        return unsafeDowncast(v.object, to: PyFloat.self).value
    }

    /// Any integer (bool, tagged or big), exactly.
    package func integerValue(_ v: PyValue) -> BigInt? {
        if let i = asInt(v) { return BigInt(i) }
        guard v.isObject, v.objectKind == .bigint else { return nil }
        return unsafeDowncast(v.object, to: PyBigInt.self).value
    }

    /// A number as a float, as Python converts an int operand (correctly rounded; OverflowError past the range).
    package func double(_ n: PyNumber) throws(PyError) -> Double {
        switch n {
        case .float(let x): return x
        case .small(let i): return Double(i)
        case .big(let b):
            guard let x = PyNumbers.double(b) else { throw error(runtime.classes.overflowError, "int too large to convert to float") }
            return x
        }
    }

    /// `a op b` when both are numbers and one is a float or a big integer; nil when they are not both numbers.
    package func numberOp(_ op: Op, _ a: PyValue, _ b: PyValue) throws(PyError) -> PyValue? {
        guard let x = number(a), let y = number(b) else { return nil }
        if case .float = x { return try floatOp(op, try double(x), try double(y)) }
        if case .float = y { return try floatOp(op, try double(x), try double(y)) }
        guard let p = x.integer, let q = y.integer else { return nil }
        return try bigOp(op, p, q)
    }

    /// The error CPython raises for an integer that conclab will not build (Python would, given the memory).
    private func tooBig(_ what: String) -> PyError {
        memoryError("conclab's Python does not support integers over \(PyNumbers.maxBits) bits (\(what))")
    }

    /// Integer operators on integers of any size (Python's floor division and modulo, floor shifts).
    package func bigOp(_ op: Op, _ x: BigInt, _ y: BigInt) throws(PyError) -> PyValue {
        switch op {
        case .binaryAdd, .inplaceAdd: return newInt(x + y)
        case .binarySub, .inplaceSub: return newInt(x - y)
        case .binaryMul, .inplaceMul:
            if x.magnitude.bitWidth + y.magnitude.bitWidth > PyNumbers.maxBits { throw tooBig("a product") }
            return newInt(x * y)
        case .binaryFloorDiv, .inplaceFloorDiv:
            if y.isZero { throw error(runtime.classes.zeroDivisionError, "integer division or modulo by zero") }
            return newInt(PyNumbers.floorDivMod(x, y).0)
        case .binaryMod, .inplaceMod:
            if y.isZero { throw error(runtime.classes.zeroDivisionError, "integer modulo by zero") }
            return newInt(PyNumbers.floorDivMod(x, y).1)
        case .binaryTrueDiv, .inplaceTrueDiv:
            if y.isZero { throw error(runtime.classes.zeroDivisionError, "division by zero") }
            guard let r = PyNumbers.trueDivide(x, y) else {
                throw error(runtime.classes.overflowError, "integer division result too large for a float")
            }
            return newFloat(r)
        case .binaryPow, .inplacePow:
            if y.sign == .minus { return try floatOp(op, try double(.big(x)), try double(.big(y))) }
            if x.magnitude <= 1 {
                if x.isZero { return .int(y.isZero ? 1 : 0) }
                return .int(x.sign == .minus && y.magnitude.words[0] & 1 == 1 ? -1 : 1)
            }
            guard let e = Int(exactly: y), e <= PyNumbers.maxBits, x.magnitude.bitWidth * e <= PyNumbers.maxBits + x.magnitude.bitWidth else {
                throw tooBig("a power")
            }
            return newInt(x.power(e))
        case .binaryAnd, .inplaceAnd, .binaryOr, .inplaceOr, .binaryXor, .inplaceXor:
            return newInt(PyNumbers.bitwise(op, x, y))
        case .binaryLShift, .inplaceLShift:
            if y.sign == .minus { throw valueError("negative shift count") }
            if x.isZero { return .int(0) }
            guard let n = Int(exactly: y), n <= PyNumbers.maxBits else { throw tooBig("a shift") }
            return newInt(x << n)
        case .binaryRShift, .inplaceRShift:
            if y.sign == .minus { throw valueError("negative shift count") }
            guard let n = Int(exactly: y), n < Int.max / 2 else { return .int(x.sign == .minus ? -1 : 0) }
            return newInt(x.sign == .minus ? -((-x - 1) >> n) - 1 : x >> n)
        default:
            throw typeError("unsupported operand type(s) for \(Self.symbol(op)): 'int' and 'int'")
        }
    }

    /// Float operators with CPython's results and errors (floatobject.c).
    package func floatOp(_ op: Op, _ x: Double, _ y: Double) throws(PyError) -> PyValue {
        let zero = runtime.classes.zeroDivisionError
        switch op {
        case .binaryAdd, .inplaceAdd: return newFloat(x + y)
        case .binarySub, .inplaceSub: return newFloat(x - y)
        case .binaryMul, .inplaceMul: return newFloat(x * y)
        case .binaryTrueDiv, .inplaceTrueDiv:
            if y == 0 { throw error(zero, "float division by zero") }
            return newFloat(x / y)
        case .binaryFloorDiv, .inplaceFloorDiv:
            if y == 0 { throw error(zero, "float floor division by zero") }
            return newFloat(PyNumbers.floatDivMod(x, y).0)
        case .binaryMod, .inplaceMod:
            if y == 0 { throw error(zero, "float modulo") }
            return newFloat(PyNumbers.floatDivMod(x, y).1)
        case .binaryPow, .inplacePow:
            return newFloat(try floatPower(x, y))
        default:
            throw typeError("unsupported operand type(s) for \(Self.symbol(op)): 'float' and 'float'")
        }
    }

    /// `x ** y` on floats as CPython's float_pow: its special cases, its errors.
    package func floatPower(_ x: Double, _ y: Double) throws(PyError) -> Double {
        if y == 0 { return 1 }
        if x.isNaN { return x }
        if y.isNaN { return x == 1 ? 1 : y }
        if y.isInfinite {
            let m = abs(x)
            if m == 1 { return 1 }
            return (y > 0) == (m > 1) ? .infinity : 0
        }
        let yIsOddInteger = y.rounded(.towardZero) == y && abs(y) < 9_007_199_254_740_992 && Int64(y) & 1 == 1
        if x.isInfinite {
            if y > 0 { return yIsOddInteger ? x : abs(x) }
            return yIsOddInteger ? Double(signOf: x, magnitudeOf: 0) : 0
        }
        if x == 0 {
            if y < 0 { throw error(runtime.classes.zeroDivisionError, "0.0 cannot be raised to a negative power") }
            return yIsOddInteger ? x : 0
        }
        var base = x
        var negate = false
        if x < 0 {
            if y.rounded(.down) != y { throw valueError("conclab's Python does not support complex numbers (a negative number to a fractional power)") }
            base = -x
            negate = yIsOddInteger
        }
        if base == 1 { return negate ? -1 : 1 }
        let r = FloatMath.pow(base, y)
        if r.isInfinite { throw error(runtime.classes.overflowError, "(34, 'Numerical result out of range')") }
        return negate ? -r : r
    }

    /// -1, 0 or 1 for two numbers, exactly (an int against a float is not rounded); nil when unordered (NaN)
    /// or when either is not a number.
    package func numberOrder(_ a: PyValue, _ b: PyValue) -> Int?? {
        guard let x = number(a), let y = number(b) else { return nil }
        return .some(PyNumbers.order(x, y))
    }

    /// A number's dict key: equal numbers (1, 1.0, True) share one.
    package func numberKey(_ n: PyNumber) -> PyKey {
        switch n {
        case .small(let i): return .int(i)
        case .big(let b): return .big(b)
        case .float(let x):
            if x.isFinite, x.rounded(.towardZero) == x {
                let b = BigInt(x)
                if let i = Int(exactly: b) { return .int(i) }
                return .big(b)
            }
            return .float(x)
        }
    }

    /// `hash(n)` as CPython computes it (modulo 2**61 - 1), so equal numbers hash alike and the printed values match.
    package func numberHash(_ n: PyNumber) -> Int {
        switch n {
        case .small(let i): return PyNumbers.hash(BigInt(i))
        case .big(let b): return PyNumbers.hash(b)
        case .float(let x): return PyNumbers.hash(x)
        }
    }
}

/// Pure numeric kernels (no interpreter state), tested on their own.
package enum PyNumbers {
    /// The largest integer conclab builds, in bits (about 2.5 million decimal digits).
    package static let maxBits = 1 << 23

    /// Python's `divmod` on integers: the quotient rounded toward negative infinity, the remainder with the
    /// divisor's sign. `y` must not be zero.
    package static func floorDivMod(_ x: BigInt, _ y: BigInt) -> (BigInt, BigInt) {
        var (q, r) = x.quotientAndRemainder(dividingBy: y)
        if !r.isZero && (r.sign == .minus) != (y.sign == .minus) {
            q -= 1
            r += y
        }
        return (q, r)
    }

    /// Python's `divmod` on floats (CPython's float_divmod), `y` not zero.
    package static func floatDivMod(_ x: Double, _ y: Double) -> (Double, Double) {
        var mod = x.truncatingRemainder(dividingBy: y)
        var div = (x - mod) / y
        if mod != 0 {
            if (y < 0) != (mod < 0) {
                mod += y
                div -= 1
            }
        } else {
            mod = Double(signOf: y, magnitudeOf: 0)
        }
        var floordiv: Double
        if div != 0 {
            floordiv = div.rounded(.down)
            if div - floordiv > 0.5 { floordiv += 1 }
        } else {
            floordiv = Double(signOf: x / y, magnitudeOf: 0)
        }
        return (floordiv, mod)
    }

    /// `m * 2**e` correctly rounded to a double, where `m` has at most 64 bits and `sticky` says whether
    /// nonzero bits were dropped below it. Nil on overflow.
    private static func scaled(_ m: UInt64, sticky: Bool, exponent e: Int) -> Double? {
        // Bit 0 carries the dropped bits: with 64 bits kept, it only ever breaks a tie, as it should.
        let top = sticky ? m | 1 : m
        let r = Double(sign: .plus, exponent: e, significand: Double(top))
        return r.isFinite ? r : nil
    }

    /// `|b|` as 64 top bits, the dropped-bits flag and the shift.
    private static func top64(_ b: BigUInt) -> (UInt64, Bool, Int) {
        let width = b.bitWidth
        if width <= 64 { return (UInt64(b), false, 0) }
        let shift = width - 64
        let top = b >> shift
        let dropped = b.trailingZeroBitCount < shift
        return (UInt64(top), dropped, shift)
    }

    /// An integer as the nearest double (ties to even, as CPython); nil when it is too large for one.
    package static func double(_ b: BigInt) -> Double? {
        let (m, sticky, shift) = top64(b.magnitude)
        guard let r = scaled(m, sticky: sticky, exponent: shift) else { return nil }
        return b.sign == .minus ? -r : r
    }

    /// `x / y` correctly rounded (CPython's long_true_divide); nil when the result is too large. `y` not zero.
    package static func trueDivide(_ x: BigInt, _ y: BigInt) -> Double? {
        let limit = BigUInt(1) << 53
        if x.magnitude <= limit && y.magnitude <= limit, let p = double(x), let q = double(y) { return p / q }
        var a = x.magnitude, b = y.magnitude
        if a.isZero { return (x.sign == .minus) != (y.sign == .minus) ? -0.0 : 0.0 }
        // Scale so the quotient has 65 or 66 bits, then round once.
        let shift = 65 - (a.bitWidth - b.bitWidth)
        if shift > 0 { a <<= shift } else if shift < 0 { b <<= -shift }
        let (q, r) = a.quotientAndRemainder(dividingBy: b)
        let (m, dropped, s) = top64(q)
        guard let value = scaled(m, sticky: dropped || !r.isZero, exponent: s - shift) else { return nil }
        return (x.sign == .minus) != (y.sign == .minus) ? -value : value
    }

    /// `&`, `|`, `^` with Python's infinite two's complement for negative integers.
    package static func bitwise(_ op: Op, _ x: BigInt, _ y: BigInt) -> BigInt {
        // ~n == -n - 1: negative operands become their complements, which are non-negative.
        let xn = x.sign == .minus, yn = y.sign == .minus
        let a = xn ? (-x - 1).magnitude : x.magnitude
        let b = yn ? (-y - 1).magnitude : y.magnitude
        func not(_ m: BigUInt) -> BigInt { -BigInt(m) - 1 }
        switch op {
        case .binaryAnd, .inplaceAnd:
            switch (xn, yn) {
            case (false, false): return BigInt(a & b)
            case (true, false): return BigInt(b - (b & a))
            case (false, true): return BigInt(a - (a & b))
            case (true, true): return not(a | b)
            }
        case .binaryOr, .inplaceOr:
            switch (xn, yn) {
            case (false, false): return BigInt(a | b)
            case (true, false): return not(a - (a & b))
            case (false, true): return not(b - (b & a))
            case (true, true): return not(a & b)
            }
        default:
            return xn == yn ? BigInt(a ^ b) : not(a ^ b)
        }
    }

    /// Exact order of two numbers; nil when one is NaN.
    package static func order(_ x: PyNumber, _ y: PyNumber) -> Int? {
        func sign<T: Comparable>(_ p: T, _ q: T) -> Int { p < q ? -1 : p == q ? 0 : 1 }
        switch (x, y) {
        case (.small(let p), .small(let q)): return sign(p, q)
        case (.float(let p), .float(let q)): return p.isNaN || q.isNaN ? nil : sign(p, q)
        case (.float(let p), _): return order(y, .float(p)).map { -$0 }
        case (_, .float(let q)):
            if q.isNaN { return nil }
            if q.isInfinite { return q > 0 ? -1 : 1 }
            guard let p = x.integer else { return nil }
            // Exact: compare with the integer part, then the fraction decides a tie.
            let whole = q.rounded(.down)
            let c = sign(p, BigInt(whole))
            return c != 0 ? c : (q > whole ? -1 : 0)
        default:
            guard let p = x.integer, let q = y.integer else { return nil }
            return sign(p, q)
        }
    }

    /// CPython's modulus for numeric hashes, 2**61 - 1.
    static let modulus: UInt64 = (1 << 61) - 1

    package static func hash(_ b: BigInt) -> Int {
        let r = UInt64(b.magnitude % BigUInt(modulus))
        var h = Int(r)
        if b.sign == .minus { h = -h }
        return h == -1 ? -2 : h
    }

    /// CPython's `_Py_HashDouble` (for finite values; ±inf hash to ±314159, NaN to 0 here).
    package static func hash(_ v: Double) -> Int {
        if v.isNaN { return 0 }
        if v.isInfinite { return v > 0 ? 314_159 : -314_159 }
        if v == 0 { return 0 }
        let sign = v < 0 ? -1 : 1
        var m = abs(v).significand / 2   // frexp: m in [0.5, 1)
        var e = Int(v.exponent) + 1
        var x: UInt64 = 0
        while m != 0 {
            x = ((x << 28) & modulus) | x >> (61 - 28)
            m *= 268_435_456.0
            e -= 28
            let y = UInt64(m)
            m -= Double(y)
            x += y
            if x >= modulus { x -= modulus }
        }
        e = e >= 0 ? e % 61 : 61 - 1 - ((-1 - e) % 61)
        x = ((x << UInt64(e)) & modulus) | x >> UInt64(61 - e)
        var h = Int(bitPattern: UInt(x)) * sign
        if h == -1 { h = -2 }
        return h
    }
}
