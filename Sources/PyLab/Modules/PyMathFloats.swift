import BigInt
import LabOS

/// The float half of `math`: libm's functions with CPython's rules for errors (a NaN out of a number in is
/// `ValueError: math domain error`; an infinity out of a finite number in is `OverflowError: math range error` for the
/// functions that can overflow, `ValueError: math domain error` for the others), and the functions CPython writes
/// itself (`fsum` correctly rounded, `isclose`, `hypot` of any number of coordinates, `floor`/`ceil` to an int).
extension MathModule {
    /// A float argument: any int (of any size, OverflowError past the float range) or float, as CPython converts.
    static func real(_ ts: PyThreadState, _ v: PyValue) throws(PyError) -> Double {
        guard let n = ts.number(v) else { throw ts.typeError("must be real number, not \(ts.typeName(v))") }
        return try ts.double(n)
    }

    static func domainError(_ ts: PyThreadState) -> PyError { ts.valueError("math domain error") }
    static func rangeError(_ ts: PyThreadState) -> PyError { ts.error(ts.runtime.classes.overflowError, "math range error") }

    /// The functions whose infinite result from a finite argument is an overflow (CPython's `can_overflow`).
    static let canOverflow: Set<String> = ["exp", "exp2", "expm1", "sinh", "cosh"]

    /// `math.NAME(x)` over libm's function of the same name (`gamma` is C's `tgamma`).
    static func unary(_ name: String) -> Builtin {
        let f = FloatMath.unary(name)!
        return Builtin(name) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let x = try real(ts, a[0])
            if name == "gamma" || name == "lgamma", x <= 0, x == x.rounded(.towardZero), x.isFinite { throw domainError(ts) }
            let r = f(x)
            if r.isNaN && !x.isNaN { throw domainError(ts) }
            if r.isInfinite && x.isFinite {
                throw canOverflow.contains(name) || name == "gamma" || name == "lgamma" ? rangeError(ts) : domainError(ts)
            }
            return ts.newFloat(r)
        }
    }

    /// The natural logarithm of any positive int or float; an int too big for a float is scaled down first, so
    /// `log(10**400)` works as in CPython.
    static func logarithm(_ ts: PyThreadState, _ v: PyValue, _ f: @Sendable (Double) -> Double) throws(PyError) -> Double {
        if let n = ts.number(v), case .big(let b) = n {
            if b.signum() <= 0 { throw domainError(ts) }
            let shift = max(0, b.bitWidth - 60)
            let x = Double(b >> shift)
            return f(x) + Double(shift) * f(2)
        }
        let x = try real(ts, v)
        if x.isNaN { return x }
        if x <= 0 { throw domainError(ts) }
        return f(x)
    }

    /// `math.floor`, `ceil` and `trunc`: an int stays itself, a float becomes the int it rounds to.
    static func toInteger(_ name: String, _ rule: FloatingPointRoundingRule) -> Builtin {
        Builtin(name) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            guard let n = ts.number(a[0]) else { throw ts.typeError("must be real number, not \(ts.typeName(a[0]))") }
            switch n {
            case .small(let i): return .int(i)
            case .big(let b): return ts.newInt(b)
            case .float(let x): return try Builtins.truncated(ts, x.rounded(rule))
            }
        }
    }

    /// The sum of `values` correctly rounded: exact partial sums that never overlap (Shewchuk's method), added
    /// from the largest, with the last rounding made half-to-even on the exact remainder, as CPython's `fsum`.
    static func exactSum(_ values: [Double]) throws(FsumProblem) -> Double {
        var partials: [Double] = []
        var nan = false
        var infinite = 0.0
        for value in values {
            var x = value
            if !x.isFinite {
                if x.isNaN { nan = true } else { infinite += x }
                continue
            }
            var kept = 0
            for var y in partials {
                if abs(x) < abs(y) { swap(&x, &y) }
                let high = x + y
                let low = y - (high - x)
                if low != 0 { partials[kept] = low; kept += 1 }
                x = high
            }
            if !x.isFinite { throw .overflow }
            partials.removeSubrange(kept...)
            partials.append(x)
        }
        if nan { return .nan }
        if infinite.isNaN { throw .infinities }
        if infinite != 0 { return infinite }
        guard var total = partials.popLast() else { return 0 }
        var low = 0.0
        while let y = partials.popLast() {
            let x = total
            total = x + y
            low = y - (total - x)
            if low != 0 { break }
        }
        // Half-way cases: the rest of the partials says which way the exact sum lies.
        if let next = partials.last, (low < 0 && next < 0) || (low > 0 && next > 0) {
            let y = low * 2
            let x = total + y
            if y == x - total { total = x }
        }
        return total
    }

    enum FsumProblem: Error { case overflow, infinities }

    /// The Euclidean norm of `coordinates`: scaled by a power of two (exactly) so no square overflows or
    /// underflows, each square split exactly into a rounded part and its error (a fused multiply-add), all of them
    /// summed correctly rounded, then the square root: `hypot(1, 2, 3)` is `sqrt(14)` to the last bit, as CPython's.
    static func norm(_ coordinates: [Double]) throws(FsumProblem) -> Double {
        var largest = 0.0
        var nan = false
        for c in coordinates {
            if c.isInfinite { return .infinity }
            if c.isNaN { nan = true }
            largest = max(largest, abs(c))
        }
        if nan { return .nan }
        if largest == 0 || coordinates.count == 1 { return largest }
        let exponent = Int(largest.exponent)
        var parts: [Double] = []
        for c in coordinates {
            let x = Double(sign: c.sign, exponent: Int(c.exponent) - exponent, significand: abs(c).significand)
            let square = x * x
            parts.append(square)
            parts.append((-square).addingProduct(x, x))
        }
        let root = (try exactSum(parts)).squareRoot()
        return Double(sign: .plus, exponent: exponent, significand: root)
    }

    static let floatFunctions: [Builtin] = [
        toInteger("floor", .down), toInteger("ceil", .up), toInteger("trunc", .towardZero),
        Builtin("sqrt") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let x = try real(ts, a[0])
            if x < 0 { throw domainError(ts) }
            return ts.newFloat(x.squareRoot())
        },
        Builtin("log") { ts, a throws(PyError) in
            try a.expect(1...2, ts)
            let f = FloatMath.unary("log")!
            let x = try logarithm(ts, a[0], f)
            guard a.count == 2 else { return ts.newFloat(x) }
            let base = try logarithm(ts, a[1], f)
            if base == 0 { throw ts.error(ts.runtime.classes.zeroDivisionError, "float division by zero") }
            return ts.newFloat(x / base)
        },
        Builtin("log2") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return ts.newFloat(try logarithm(ts, a[0], FloatMath.unary("log2")!))
        },
        Builtin("log10") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return ts.newFloat(try logarithm(ts, a[0], FloatMath.unary("log10")!))
        },
        unary("exp"), unary("exp2"), unary("expm1"), unary("log1p"), unary("sin"), unary("cos"), unary("tan"),
        unary("asin"), unary("acos"), unary("atan"), unary("sinh"), unary("cosh"), unary("tanh"), unary("asinh"),
        unary("acosh"), unary("atanh"), unary("cbrt"), unary("erf"), unary("erfc"), unary("gamma"), unary("lgamma"),
        Builtin("fabs") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return ts.newFloat(abs(try real(ts, a[0])))
        },
        Builtin("pow") { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let (x, y) = (try real(ts, a[0]), try real(ts, a[1]))
            let r = FloatMath.pow(x, y)
            if x.isFinite && y.isFinite {
                if r.isNaN { throw domainError(ts) }
                if r.isInfinite { throw x == 0 ? domainError(ts) : rangeError(ts) }
            }
            return ts.newFloat(r)
        },
        Builtin("atan2") { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            return ts.newFloat(FloatMath.binary("atan2")!(try real(ts, a[0]), try real(ts, a[1])))
        },
        Builtin("copysign") { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            return ts.newFloat(FloatMath.binary("copysign")!(try real(ts, a[0]), try real(ts, a[1])))
        },
        Builtin("fmod") { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let (x, y) = (try real(ts, a[0]), try real(ts, a[1]))
            if y.isInfinite && x.isFinite { return ts.newFloat(x) }
            let r = FloatMath.binary("fmod")!(x, y)
            if r.isNaN && !x.isNaN && !y.isNaN { throw domainError(ts) }
            return ts.newFloat(r)
        },
        Builtin("remainder") { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let (x, y) = (try real(ts, a[0]), try real(ts, a[1]))
            let r = FloatMath.binary("remainder")!(x, y)
            if r.isNaN && !x.isNaN && !y.isNaN { throw domainError(ts) }
            return ts.newFloat(r)
        },
        Builtin("hypot") { ts, a throws(PyError) in
            var coordinates: [Double] = []
            for i in 0..<a.count { coordinates.append(try real(ts, a[i])) }
            do throws(FsumProblem) { return ts.newFloat(try norm(coordinates)) } catch { throw rangeError(ts) }
        },
        Builtin("dist") { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let p = try ts.collect(a[0]), q = try ts.collect(a[1])
            defer { for v in p + q { ts.decref(v) } }
            if p.count != q.count { throw ts.valueError("both points must have the same number of dimensions") }
            var differences: [Double] = []
            for i in 0..<p.count { differences.append(try real(ts, p[i]) - real(ts, q[i])) }
            do throws(FsumProblem) { return ts.newFloat(try norm(differences)) } catch { throw rangeError(ts) }
        },
        Builtin("fsum") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let items = try ts.collect(a[0])
            defer { for v in items { ts.decref(v) } }
            var values: [Double] = []
            for v in items { values.append(try real(ts, v)) }
            do throws(FsumProblem) { return ts.newFloat(try exactSum(values)) } catch {
                if error == .infinities { throw ts.valueError("-inf + inf in fsum") }
                throw ts.error(ts.runtime.classes.overflowError, "intermediate overflow in fsum")
            }
        },
        Builtin("isclose") { ts, a throws(PyError) in
            try a.expect(2...2, keywords: ["rel_tol", "abs_tol"], ts)
            let (x, y) = (try real(ts, a[0]), try real(ts, a[1]))
            let relative = try a.keyword("rel_tol").map { v throws(PyError) in try real(ts, v) } ?? 1e-09
            let absolute = try a.keyword("abs_tol").map { v throws(PyError) in try real(ts, v) } ?? 0
            if relative < 0 || absolute < 0 { throw ts.valueError("tolerances must be non-negative") }
            if x == y { return .bool(true) }
            if x.isInfinite || y.isInfinite { return .bool(false) }
            let difference = abs(y - x)
            return .bool(difference <= abs(relative * y) || difference <= abs(relative * x) || difference <= absolute)
        },
        Builtin("isfinite") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return .bool(try real(ts, a[0]).isFinite)
        },
        Builtin("isinf") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return .bool(try real(ts, a[0]).isInfinite)
        },
        Builtin("isnan") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return .bool(try real(ts, a[0]).isNaN)
        },
        Builtin("degrees") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return ts.newFloat(try real(ts, a[0]) * (180.0 / Double.pi))
        },
        Builtin("radians") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return ts.newFloat(try real(ts, a[0]) * (Double.pi / 180.0))
        },
        Builtin("modf") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let x = try real(ts, a[0])
            if x.isInfinite { return ts.newTuple([ts.newFloat(Double(signOf: x, magnitudeOf: 0)), ts.newFloat(x)]) }
            let whole = x.rounded(.towardZero)
            return ts.newTuple([ts.newFloat(Double(signOf: x, magnitudeOf: abs(x - whole))), ts.newFloat(whole)])
        },
        Builtin("frexp") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let x = try real(ts, a[0])
            if x == 0 || !x.isFinite { return ts.newTuple([ts.newFloat(x), .int(0)]) }
            // x = m * 2**e with 0.5 <= |m| < 1.
            let e = Int(x.exponent) + 1
            return ts.newTuple([ts.newFloat(Double(sign: x.sign, exponent: -1, significand: abs(x).significand)), .int(e)])
        },
        Builtin("ldexp") { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let x = try real(ts, a[0])
            guard let e = ts.integerValue(a[1]) else { throw ts.typeError("Expected an int as second argument to ldexp.") }
            if x == 0 || !x.isFinite { return ts.newFloat(x) }
            let clamped = Int(max(-10_000, min(10_000, e)))
            let r = Double(sign: .plus, exponent: clamped, significand: x)
            if r.isInfinite { throw ts.error(ts.runtime.classes.overflowError, "math range error") }
            return ts.newFloat(r)
        },
        Builtin("nextafter") { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let (x, y) = (try real(ts, a[0]), try real(ts, a[1]))
            if x.isNaN || y.isNaN { return ts.newFloat(.nan) }
            return ts.newFloat(x == y ? y : x < y ? x.nextUp : x.nextDown)
        },
        Builtin("ulp") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let x = abs(try real(ts, a[0]))
            if !x.isFinite { return ts.newFloat(x) }
            return ts.newFloat(x == 0 ? Double.leastNonzeroMagnitude : x.ulp)
        },
    ]
}
