/// Python's integer operators, written once for everything in conclab that computes with integers: the
/// expression language (result filters, lab checks, `gen map`/`gen filter` in both their compiled and their
/// general path) and the snippet interpreter.
///
/// Python's integers are unbounded; these are 64-bit words. An answer Python would give that does not fit is
/// `Failure.overflow`, never a wrapped or trapped result, and each caller turns a failure into its own error
/// (an `ExpressionError`, or a Python `OverflowError`/`ZeroDivisionError` in a snippet). The interpreter keeps
/// its integers in 63 bits (one bit is its tag), so it refuses in the same way an answer that fits here but
/// not there.
///
/// Where Python differs from Swift's operators:
/// - `//` rounds toward negative infinity: `-7 // 2 == -4` (Swift's `/` gives -3);
/// - `%` takes the divisor's sign: `-7 % 2 == 1`, `7 % -2 == -1`, so that `x == (x // y) * y + x % y`;
/// - `Int.min % -1 == 0`, while `Int.min // -1` is 2**63, which does not fit (Swift traps on both);
/// - `0 ** 0 == 1`, and a huge exponent of 0, 1 or -1 is answered at once.
///
/// Public rather than package, with `@inlinable` bodies: this toolchain inlines a `public` inlinable function
/// into another module but only calls a `package` one, and the interpreter and `gen map` run these per item.
public enum PyInt {
    /// Why an operation has no 64-bit answer.
    public enum Failure: Error, Equatable, Sendable {
        /// Python's answer does not fit in 64 bits.
        case overflow
        /// `x // 0`.
        case divisionByZero
        /// `x % 0`.
        case moduloByZero
        /// `x ** -n`, which Python answers with a float.
        case negativeExponent
    }

    @inlinable public static func add(_ x: Int, _ y: Int) throws(Failure) -> Int {
        let (r, overflow) = x.addingReportingOverflow(y)
        if overflow { throw .overflow }
        return r
    }

    @inlinable public static func subtract(_ x: Int, _ y: Int) throws(Failure) -> Int {
        let (r, overflow) = x.subtractingReportingOverflow(y)
        if overflow { throw .overflow }
        return r
    }

    @inlinable public static func multiply(_ x: Int, _ y: Int) throws(Failure) -> Int {
        let (r, overflow) = x.multipliedReportingOverflow(by: y)
        if overflow { throw .overflow }
        return r
    }

    /// `x // y`: the quotient rounded toward negative infinity.
    @inlinable public static func floorDivide(_ x: Int, _ y: Int) throws(Failure) -> Int {
        if y == 0 { throw .divisionByZero }
        if y == -1 { return try negate(x) }
        let q = x / y
        // Truncation went up (toward zero) when there is a remainder and the signs differ.
        return x % y != 0 && (x < 0) != (y < 0) ? q - 1 : q
    }

    /// `x % y`: the remainder with the divisor's sign.
    @inlinable public static func modulo(_ x: Int, _ y: Int) throws(Failure) -> Int {
        if y == 0 { throw .moduloByZero }
        if y == -1 { return 0 }
        let r = x % y
        return r != 0 && (r < 0) != (y < 0) ? r + y : r
    }

    /// `x ** y` for `y >= 0`, by squaring: at most about 64 multiplications, whatever `y` is.
    @inlinable public static func power(_ x: Int, _ y: Int) throws(Failure) -> Int {
        if y < 0 { throw .negativeExponent }
        switch x {
        case 0: return y == 0 ? 1 : 0
        case 1: return 1
        case -1: return y & 1 == 0 ? 1 : -1
        default: break
        }
        // |x| >= 2 from here, so y >= 64 is at least 2**64 in size.
        if y >= 64 { throw .overflow }
        var result = 1, base = x, exponent = y
        while true {
            if exponent & 1 == 1 { result = try multiply(result, base) }
            exponent >>= 1
            if exponent == 0 { return result }
            // Only squared when a higher bit will use it, so a square that overflows means the answer does.
            base = try multiply(base, base)
        }
    }

    /// `pow(x, y, m)` for `y >= 0`: `x ** y % m` without the intermediate power.
    @inlinable public static func power(_ x: Int, _ y: Int, modulo m: Int) throws(Failure) -> Int {
        if y < 0 { throw .negativeExponent }
        if m == 0 { throw .moduloByZero }
        let m128 = Int128(m)
        // Truncating remainders keep every factor below |m| (so products fit in 128 bits); the last step
        // gives the answer Python's sign.
        var result: Int128 = 1, base = Int128(x) % m128, exponent = y
        while exponent > 0 {
            if exponent & 1 == 1 { result = result * base % m128 }
            base = base * base % m128
            exponent >>= 1
        }
        return try modulo(Int(result % m128), m)
    }

    /// `-x`.
    @inlinable public static func negate(_ x: Int) throws(Failure) -> Int {
        if x == .min { throw .overflow }
        return -x
    }

    /// `abs(x)`.
    @inlinable public static func absolute(_ x: Int) throws(Failure) -> Int {
        x < 0 ? try negate(x) : x
    }

    /// The binary arithmetic operators, by the symbol both languages write. `apply` suits a caller that
    /// switches on the operator anyway; a hot path picks the function (`PyInt.add`) once instead.
    public enum Operator: String, Sendable, CaseIterable {
        case add = "+", subtract = "-", multiply = "*", floorDivide = "//", modulo = "%", power = "**"

        @inlinable public func apply(_ x: Int, _ y: Int) throws(Failure) -> Int {
            switch self {
            case .add: return try PyInt.add(x, y)
            case .subtract: return try PyInt.subtract(x, y)
            case .multiply: return try PyInt.multiply(x, y)
            case .floorDivide: return try PyInt.floorDivide(x, y)
            case .modulo: return try PyInt.modulo(x, y)
            case .power: return try PyInt.power(x, y)
            }
        }
    }

    /// The ordering comparisons and equality, by symbol. On two integers they are exact (never through a
    /// Double, where 2**53 + 1 would equal 2**53); `holds` also serves strings and three-way results.
    public enum Comparison: String, Sendable, CaseIterable {
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", equal = "==", notEqual = "!="

        /// Always inlined, so a caller gets it specialised to its type (a generic call per comparison is slow).
        @inlinable @inline(__always)
        public func holds<T: Comparable>(_ x: T, _ y: T) -> Bool {
            switch self {
            case .less: return x < y
            case .lessOrEqual: return x <= y
            case .greater: return x > y
            case .greaterOrEqual: return x >= y
            case .equal: return x == y
            case .notEqual: return x != y
            }
        }
    }
}
