import BigInt

/// Python's format specification mini-language (`format(x, spec)`, `f"{x:spec}"`, `str.format`) and the text
/// of floats, as pure functions over Swift values:
///
///     [[fill]align][sign][z][#][0][width][grouping][.precision][type]
///
/// Float digits are exact: a double is `m * 2**e`, so `round(|x| * 10**p)` is computed in integers and rounded
/// half to even, which is what CPython's dtoa gives; the layout then follows CPython's `format_float_short`
/// (a virtual digit string padded with zeros, the exponent at 1e16 for repr).
package struct FormatSpec: Equatable {
    package var fill: Character?
    package var align: Character?
    package var sign: Character?
    package var alternate = false
    package var zero = false
    package var width = 0
    package var grouping: Character?
    package var precision: Int?
    package var type: Character?

    /// A spec conclab or Python refuses, with CPython's ValueError message.
    package struct Failure: Error, Equatable {
        package let message: String
    }

    package init() {}

    package init(_ text: String) throws(Failure) {
        var chars = Array(text)[...]
        if chars.count >= 2, "<>=^".contains(chars[chars.startIndex + 1]) {
            fill = chars.first
            align = chars[chars.startIndex + 1]
            chars = chars.dropFirst(2)
        } else if let c = chars.first, "<>=^".contains(c) {
            align = c
            chars = chars.dropFirst()
        }
        if let c = chars.first, "+- ".contains(c) { sign = c; chars = chars.dropFirst() }
        if chars.first == "z" { chars = chars.dropFirst() }
        if chars.first == "#" { alternate = true; chars = chars.dropFirst() }
        if chars.first == "0" { zero = true; chars = chars.dropFirst() }
        while let c = chars.first, let d = c.wholeNumberValue, c.isASCII {
            width = width * 10 + d
            chars = chars.dropFirst()
            if width > 1 << 20 { throw Failure(message: "Too many decimal digits in format string") }
        }
        if let c = chars.first, c == "," || c == "_" { grouping = c; chars = chars.dropFirst() }
        if chars.first == "." {
            chars = chars.dropFirst()
            var p = 0, any = false
            while let c = chars.first, let d = c.wholeNumberValue, c.isASCII {
                p = p * 10 + d
                any = true
                chars = chars.dropFirst()
                if p > 1 << 20 { throw Failure(message: "Too many decimal digits in format string") }
            }
            if !any { throw Failure(message: "Format specifier missing precision") }
            precision = p
        }
        if chars.count > 1 { throw Failure(message: "Invalid format specifier") }
        type = chars.first
    }

    /// `width` filled on the side the alignment says; numbers pad after their sign with `=`.
    package func pad(_ body: String, prefix: String = "", numeric: Bool) -> String {
        let length = prefix.unicodeScalars.count + body.unicodeScalars.count
        guard width > length else { return prefix + body }
        let n = width - length
        let f = String(fill ?? (zero && align == nil ? "0" : " "))
        let a = align ?? (zero && numeric ? "=" : numeric ? ">" : "<")
        switch a {
        case ">": return String(repeating: f, count: n) + prefix + body
        case "^": return String(repeating: f, count: n / 2) + prefix + body + String(repeating: f, count: n - n / 2)
        case "=": return prefix + String(repeating: f, count: n) + body
        default: return prefix + body + String(repeating: f, count: n)
        }
    }
}

package enum PyFormat {
    // MARK: digits of a double

    /// `|x|` as `m * 2**e` with an integer `m` (x finite).
    private static func parts(_ x: Double) -> (BigUInt, Int) {
        let v = abs(x)
        if v == 0 { return (0, 0) }
        let bits = v.significandBitPattern
        if v.isNormal { return (BigUInt(bits | (1 << 52)), Int(v.exponent) - 52) }
        return (BigUInt(bits), -1074)
    }

    /// `round(|x| * 10**p)`, ties to even, exactly (p may be negative).
    package static func scaledRound(_ x: Double, _ p: Int) -> BigUInt {
        let (m, e) = parts(x)
        if m.isZero { return 0 }
        var num = m, den = BigUInt(1)
        if p >= 0 { num *= BigUInt(10).power(p) } else { den *= BigUInt(10).power(-p) }
        if e >= 0 { num <<= e } else { den <<= -e }
        let (q, r) = num.quotientAndRemainder(dividingBy: den)
        let twice = r << 1
        if twice > den || (twice == den && q.words[0] & 1 == 1) { return q + 1 }
        return q
    }

    /// Digits of `|x|` rounded to `p` places after the point, trailing zeros dropped, and the position of the
    /// point (dtoa's mode 3): 0.125 at p=2 is ("12", 0).
    private static func fixedDigits(_ x: Double, _ p: Int) -> ([UInt8], Int) {
        let n = scaledRound(x, p)
        if n.isZero { return ([], -p) }
        var d = Array(String(n).utf8)
        let point = d.count - p
        while d.last == UInt8(ascii: "0") { d.removeLast() }
        return (d, point)
    }

    /// `count` significant digits of `|x|` (dtoa's mode 2), trailing zeros dropped, and the point's position.
    private static func significantDigits(_ x: Double, _ count: Int) -> ([UInt8], Int) {
        if x == 0 { return ([UInt8(ascii: "0")], 1) }
        // First guess of the decimal exponent from the binary one, then corrected by the digit count.
        var k = Int((Double(abs(x).exponent) * 0.301029995663981195).rounded(.down))
        while true {
            let n = scaledRound(x, count - 1 - k)
            let d = String(n).utf8.count
            if d > count { k += 1; continue }
            if d < count { k -= 1; continue }
            var digits = Array(String(n).utf8)
            while digits.count > 1 && digits.last == UInt8(ascii: "0") { digits.removeLast() }
            return (digits, k + 1)
        }
    }

    /// The shortest digits that read back as `x` (repr's), from Swift's own shortest round-trip description.
    private static func shortestDigits(_ x: Double) -> ([UInt8], Int) {
        if x == 0 { return ([UInt8(ascii: "0")], 1) }
        let text = abs(x).description
        var mantissa = Substring(text), exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...].replacingPlus()) ?? 0
        }
        var digits: [UInt8] = []
        var point = 0
        var seenPoint = false
        for c in mantissa.utf8 {
            if c == UInt8(ascii: ".") { seenPoint = true; continue }
            digits.append(c)
            if !seenPoint { point += 1 }
        }
        point += exponent
        while digits.first == UInt8(ascii: "0") && digits.count > 1 { digits.removeFirst(); point -= 1 }
        while digits.count > 1 && digits.last == UInt8(ascii: "0") { digits.removeLast() }
        return (digits, point)
    }

    /// CPython's `format_float_short`: `type` is e, f, g or r (repr); no sign in the result.
    package static func floatBody(_ x: Double, type: Character, precision: Int, alternate: Bool, addDotZero: Bool) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return "inf" }
        var precision = precision
        var digits: [UInt8], decpt: Int
        switch type {
        case "e":
            precision += 1
            (digits, decpt) = significantDigits(x, precision)
        case "f":
            (digits, decpt) = fixedDigits(x, precision)
        case "g":
            if precision == 0 { precision = 1 }
            (digits, decpt) = significantDigits(x, precision)
        default:
            (digits, decpt) = shortestDigits(x)
        }
        var useExp = false
        var end = digits.count
        switch type {
        case "e": useExp = true; end = precision
        case "f": end = decpt + precision
        case "g":
            if decpt <= -4 || decpt > (addDotZero ? precision - 1 : precision) { useExp = true }
            if alternate { end = precision }
        default:
            if decpt <= -4 || decpt > 16 { useExp = true }
        }
        var exp = 0
        if useExp { exp = decpt - 1; decpt = 1 }
        let start = decpt <= 0 ? decpt - 1 : 0
        if !useExp && addDotZero { end = max(end, decpt + 1) } else { end = max(end, decpt) }
        var out = ""
        func zeros(_ n: Int) { if n > 0 { out += String(repeating: "0", count: n) } }
        let len = digits.count
        if decpt <= 0 {
            zeros(decpt - start)
            out += "."
            zeros(-decpt)
        } else {
            zeros(-start)
        }
        if 0 < decpt && decpt <= len {
            out += String(decoding: digits[..<decpt], as: UTF8.self) + "." + String(decoding: digits[decpt...], as: UTF8.self)
        } else {
            out += String(decoding: digits, as: UTF8.self)
        }
        if len < decpt {
            zeros(decpt - len)
            out += "."
            zeros(end - decpt)
        } else {
            zeros(end - len)
        }
        if out.hasSuffix(".") && !alternate { out.removeLast() }
        if useExp {
            out += (exp < 0 ? "e-" : "e+") + (abs(exp) < 10 ? "0" : "") + String(abs(exp))
        }
        return out
    }

    /// `repr(x)` and `str(x)` of a float, as CPython prints them.
    package static func floatRepr(_ x: Double) -> String {
        let body = floatBody(x, type: "r", precision: 0, alternate: false, addDotZero: true)
        return x.sign == .minus && !x.isNaN ? "-" + body : body
    }

    /// Commas or underscores every `every` digits of the integer part, and zero padding counted with them.
    private static func group(_ digits: String, _ separator: Character?, every: Int, minimum: Int) -> String {
        guard let separator else {
            let n = digits.count
            return n < minimum ? String(repeating: "0", count: minimum - n) + digits : digits
        }
        var d = Array(digits)
        func grouped() -> String {
            var out: [Character] = []
            for (i, c) in d.enumerated() {
                if i > 0 && (d.count - i) % every == 0 { out.append(separator) }
                out.append(c)
            }
            return String(out)
        }
        var text = grouped()
        while text.count < minimum {
            d.insert("0", at: 0)
            text = grouped()
        }
        return text
    }

    private static func signText(_ negative: Bool, _ spec: FormatSpec) -> String {
        negative ? "-" : spec.sign == "+" ? "+" : spec.sign == " " ? " " : ""
    }

    /// `format(x, spec)` for a float.
    package static func format(_ x: Double, _ spec: FormatSpec) throws(FormatSpec.Failure) -> String {
        var type = spec.type
        var value = x
        var suffix = ""
        var addDotZero = false
        var precision = spec.precision ?? 6
        switch type {
        case nil:
            addDotZero = true
            if spec.precision == nil { type = "r" } else { type = "g" }
        case "e", "E", "f", "F", "g", "G": break
        case "n": type = "g"
        case "%":
            value *= 100
            suffix = "%"
            type = "f"
        default:
            throw FormatSpec.Failure(message: "Unknown format code '\(type.map(String.init) ?? "")' for object of type 'float'")
        }
        if spec.precision == nil && type == "r" { precision = 0 }
        let lower = Character(type.map(String.init)?.lowercased() ?? "r")
        var body = floatBody(value, type: lower, precision: precision, alternate: spec.alternate, addDotZero: addDotZero)
        if let t = type, t.isUppercase { body = body.uppercased() }
        body += suffix
        let negative = value.sign == .minus && !value.isNaN
        // Grouping and zero padding touch the integer part only.
        let zeroPad = spec.zero && spec.align == nil || (spec.align == "=" && spec.fill == "0")
        let sign = signText(negative, spec)
        if spec.grouping != nil || zeroPad, value.isFinite {
            let cut = body.firstIndex(where: { !$0.isNumber }) ?? body.endIndex
            let intPart = String(body[..<cut]), rest = String(body[cut...])
            let minimum = zeroPad ? max(0, spec.width - sign.count - rest.count) : 0
            body = group(intPart, spec.grouping, every: 3, minimum: minimum) + rest
        }
        return spec.pad(body, prefix: sign, numeric: true)
    }

    /// `format(n, spec)` for an int (a float type formats it as a float).
    package static func format(_ n: BigInt, _ spec: FormatSpec) throws(FormatSpec.Failure) -> String {
        let radix: Int, prefix: String
        switch spec.type {
        case nil, "d", "n": radix = 10; prefix = ""
        case "x": radix = 16; prefix = "0x"
        case "X": radix = 16; prefix = "0X"
        case "o": radix = 8; prefix = "0o"
        case "b": radix = 2; prefix = "0b"
        case "c":
            guard n.sign == .plus, let v = UInt32(exactly: n), let s = Unicode.Scalar(v) else {
                throw FormatSpec.Failure(message: "%c arg not in range(0x110000)")
            }
            return spec.pad(String(Character(s)), numeric: false)
        case "e", "E", "f", "F", "g", "G", "%":
            guard let x = PyNumbers.double(n) else { throw FormatSpec.Failure(message: "int too large to convert to float") }
            return try format(x, spec)
        default:
            throw FormatSpec.Failure(message: "Unknown format code '\(spec.type.map(String.init) ?? "")' for object of type 'int'")
        }
        if spec.precision != nil { throw FormatSpec.Failure(message: "Precision not allowed in integer format specifier") }
        if spec.grouping == ",", radix != 10, let t = spec.type { throw FormatSpec.Failure(message: "Cannot specify ',' with '\(t)'.") }
        var digits = String(n.magnitude, radix: radix)
        if spec.type == "X" { digits = digits.uppercased() }
        let sign = signText(n.sign == .minus && !n.isZero, spec) + (spec.alternate ? prefix : "")
        let zeroPad = spec.zero && spec.align == nil || (spec.align == "=" && spec.fill == "0")
        let minimum = zeroPad ? max(0, spec.width - sign.count) : 0
        digits = group(digits, spec.grouping, every: radix == 10 ? 3 : 4, minimum: minimum)
        return spec.pad(digits, prefix: sign, numeric: true)
    }

    /// `format(s, spec)` for a string.
    package static func format(_ s: String, _ spec: FormatSpec) throws(FormatSpec.Failure) -> String {
        if let t = spec.type, t != "s" { throw FormatSpec.Failure(message: "Unknown format code '\(t)' for object of type 'str'") }
        if spec.sign != nil { throw FormatSpec.Failure(message: "Sign not allowed in string format specifier") }
        if spec.alternate { throw FormatSpec.Failure(message: "Alternate form (#) not allowed in string format specifier") }
        if spec.align == "=" { throw FormatSpec.Failure(message: "'=' alignment not allowed in string format specifier") }
        if spec.grouping != nil { throw FormatSpec.Failure(message: "Cannot specify '\(spec.grouping ?? ",")' with 's'.") }
        var text = s
        if let p = spec.precision, s.unicodeScalars.count > p {
            var scalars = String.UnicodeScalarView()
            scalars.append(contentsOf: s.unicodeScalars.prefix(p))
            text = String(scalars)
        }
        return spec.pad(text, numeric: false)
    }
}

extension Substring {
    fileprivate func replacingPlus() -> Substring { first == "+" ? dropFirst() : self }
}
