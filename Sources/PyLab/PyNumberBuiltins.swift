import BigInt
import LabCore

/// The numeric built-ins: `float()`, `int()` of a float or a long string, `round`, `abs`, `pow(a, b, m)`,
/// `format`, `hash`, `float.is_integer()`.
extension Builtins {
    /// `float(text)`: Python's spellings (`1_000.5`, `inf`, `-Infinity`, `nan`, spaces around).
    private static func parseFloat(_ s: String) -> Double? {
        let t = s.trimmed(while: \.isPythonWhitespace)
        var body = Substring(t)
        var negative = false
        if let f = body.first, f == "+" || f == "-" { negative = f == "-"; body = body.dropFirst() }
        let lower = body.lowercased()
        if lower == "inf" || lower == "infinity" { return negative ? -.infinity : .infinity }
        if lower == "nan" { return .nan }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && ($0.isNumber || "._eE+-".contains($0)) }),
              !body.hasPrefix("_"), !body.hasSuffix("_"), !body.contains("__") else { return nil }
        guard let v = Double(String(body.filter { $0 != "_" })) else { return nil }
        return negative ? -v : v
    }

    /// A float as an integer, truncated (int(), round()), with CPython's errors for inf and NaN.
    package static func truncated(_ ts: PyThreadState, _ x: Double) throws(PyError) -> PyValue {
        if x.isNaN { throw ts.valueError("cannot convert float NaN to integer") }
        if x.isInfinite { throw ts.error(ts.runtime.classes.overflowError, "cannot convert float infinity to integer") }
        return ts.newInt(BigInt(x))
    }

    /// A finite float as the exact fraction n/d in lowest terms (d a power of two), as `float.as_integer_ratio`.
    static func integerRatio(_ x: Double) -> (BigInt, BigInt) {
        if x == 0 { return (0, 1) }
        // x = significand * 2**exponent with an integral significand of up to 53 bits.
        var significand = BigInt(x.significandBitPattern | (x.isNormal ? 1 << 52 : 0))
        var exponent = Int(x.exponent) - 52
        if !x.isNormal { exponent = -1074 }
        if x < 0 { significand = -significand }
        while exponent < 0, significand.magnitude.words[0] & 1 == 0 {
            significand >>= 1
            exponent += 1
        }
        if exponent >= 0 { return (significand << exponent, 1) }
        return (significand, BigInt(1) << -exponent)
    }

    package static let numberFunctions: [Builtin] = [
        Builtin("float") { ts, a throws(PyError) in
            try a.expect(0...1, ts)
            if a.count == 0 { return ts.newFloat(0) }
            if let n = ts.number(a[0]) { return ts.newFloat(try ts.double(n)) }
            if let (s, shown) = ts.string(a[0]).map({ ($0, PyThreadState.quote($0)) }) ?? ts.bytes(a[0]).map({ (ts.asciiText($0), PyBytes.repr($0)) }) {
                guard let x = parseFloat(s) else { throw ts.valueError("could not convert string to float: \(shown)") }
                return ts.newFloat(x)
            }
            throw ts.typeError("float() argument must be a string or a real number, not '\(ts.typeName(a[0]))'")
        },
        Builtin("round") { ts, a throws(PyError) in
            try a.expect(1...2, keywords: ["ndigits"], ts)
            let digits = a.count == 2 ? a[1] : a.keyword("ndigits") ?? .none
            guard let n = ts.number(a[0]) else { throw ts.typeError("type \(ts.typeName(a[0])) doesn't define __round__ method") }
            if digits == .none {
                if case .float(let x) = n { return try truncated(ts, x.rounded(.toNearestOrEven)) }
                return ts.newInt(n.integer ?? 0)
            }
            let places = try ts.intArgument(digits, "ndigits")
            switch n {
            case .float(let x):
                guard x.isFinite, x != 0 else { return ts.newFloat(x) }
                // Exact: |x| * 10**places rounded half to even in integers, read back as the nearest double.
                if places > 330 { return ts.newFloat(x) }
                if places < -330 { return ts.newFloat(Double(signOf: x, magnitudeOf: 0)) }
                let scaled = PyFormat.scaledRound(x, places)
                let text = places >= 0 ? "\(scaled)e-\(places)" : "\(scaled)e\(-places)"
                guard let r = Double(text), r.isFinite else { throw ts.error(ts.runtime.classes.overflowError, "rounded value too large to represent") }
                return ts.newFloat(x < 0 ? -r : r)
            default:
                let v = n.integer ?? 0
                if places >= 0 { return ts.newInt(v) }
                // round(1234, -2) == 1200, ties to even.
                let unit = BigInt(10).power(-places)
                var (q, r) = PyNumbers.floorDivMod(v, unit)
                let twice = r * 2
                if twice > unit || (twice == unit && q.magnitude.words[0] & 1 == 1) { q += 1 }
                return ts.newInt(q * unit)
            }
        },
        Builtin("format") { ts, a throws(PyError) in
            try a.expect(1...2, ts)
            let spec = a.count == 2 ? ts.string(a[1]) : ""
            guard let spec else { throw ts.typeError("format() argument 2 must be str, not \(ts.typeName(a[1]))") }
            return ts.newString(try ts.format(a[0], repr: false, spec: spec))
        },
        Builtin("bit_length", on: .bigint) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let i = ts.integerValue(a[0]) ?? 0
            return .int(i.isZero ? 0 : i.magnitude.bitWidth)
        },
        Builtin("bit_count", on: .bigint) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return .int((ts.integerValue(a[0]) ?? 0).magnitude.words.reduce(0) { $0 + $1.nonzeroBitCount })
        },
        Builtin("conjugate", on: .bigint) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return ts.newInt(ts.integerValue(a[0]) ?? 0)
        },
        Builtin("as_integer_ratio", on: .bigint) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return ts.newTuple([ts.newInt(ts.integerValue(a[0]) ?? 0), .int(1)])
        },
        Builtin("conjugate", on: .float) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return ts.newFloat(ts.floatValue(a[0]) ?? .nan)
        },
        Builtin("as_integer_ratio", on: .float) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let x = ts.floatValue(a[0]) ?? .nan
            if x.isNaN { throw ts.valueError("cannot convert NaN to integer ratio") }
            if x.isInfinite { throw ts.error(ts.runtime.classes.overflowError, "cannot convert Infinity to integer ratio") }
            let (n, d) = Builtins.integerRatio(x)
            return ts.newTuple([ts.newInt(n), ts.newInt(d)])
        },
        Builtin("is_integer", on: .float) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let x = ts.floatValue(a[0]) ?? .nan
            return .bool(x.isFinite && x.rounded(.towardZero) == x)
        },
        Builtin("hash") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            if let n = ts.number(a[0]) { return .int(ts.numberHash(n)) }
            // Anything else a dict can key: equal keys hash alike, as in CPython (whose string hashes also change from
            // one run to the next); TypeError for what is unhashable.
            let key = try ts.dictKey(a[0])
            if case .custom(let h) = key { return .int(h) }
            var h = key.hashValue
            if h == -1 { h = -2 }
            return .int(h >> 1)
        },
    ]
}
