import BigInt
import LabCore

/// `%`-formatting and `str.format`, on top of the format spec mini-language (PyFormatSpec.swift).
extension PyThreadState {
    /// `format % args`: `%[(name)][flags][width][.precision]type` with types d i u s r a c f F e E g G x X o %.
    package func percentFormat(_ format: String, _ args: PyValue) throws(PyError) -> String {
        let chars = Array(format.unicodeScalars)
        var values: [PyValue] = []
        var mapping: PyDict?
        if args.isObject, args.objectKind == .tuple { values = unsafeDowncast(args.object, to: PyTuple.self).items }
        else if args.isObject, args.objectKind == .dict { mapping = unsafeDowncast(args.object, to: PyDict.self); values = [args] }
        else { values = [args] }
        var next = 0
        func take() throws(PyError) -> PyValue {
            guard next < values.count else { throw typeError("not enough arguments for format string") }
            next += 1
            return values[next - 1]
        }
        var out = ""
        var i = 0
        var usedMapping = false
        while i < chars.count {
            let c = chars[i]
            i += 1
            if c != "%" { out.unicodeScalars.append(c); continue }
            guard i < chars.count else { throw valueError("incomplete format") }
            var value: PyValue?
            if chars[i] == "(" {
                guard let mapping else { throw typeError("format requires a mapping") }
                var depth = 1, j = i + 1
                while j < chars.count && depth > 0 { if chars[j] == "(" { depth += 1 } else if chars[j] == ")" { depth -= 1 }; j += 1 }
                let key = String(String.UnicodeScalarView(chars[(i + 1)..<(j - 1)]))
                guard let v = try dictGet(mapping, runtime.constant(key)) else { throw keyError(saying: key) }
                decref(v)
                value = v
                usedMapping = true
                i = j
            }
            var spec = FormatSpec()
            var flagsDone = false
            while i < chars.count && !flagsDone {
                switch chars[i] {
                case "-": spec.align = "<"
                case "+": spec.sign = "+"
                case " ": if spec.sign == nil { spec.sign = " " }
                case "#": spec.alternate = true
                case "0": spec.zero = true
                default: flagsDone = true; continue
                }
                i += 1
            }
            if i < chars.count && chars[i] == "*" { spec.width = try intArgument(try take(), "* wants int"); i += 1 }
            while i < chars.count, let d = Character(chars[i]).wholeNumberValue, chars[i].isASCII { spec.width = spec.width * 10 + d; i += 1 }
            if i < chars.count && chars[i] == "." {
                i += 1
                var p = 0
                if i < chars.count && chars[i] == "*" { p = try intArgument(try take(), "* wants int"); i += 1 }
                while i < chars.count, let d = Character(chars[i]).wholeNumberValue, chars[i].isASCII { p = p * 10 + d; i += 1 }
                spec.precision = p
            }
            guard i < chars.count else { throw valueError("incomplete format") }
            let type = Character(chars[i])
            i += 1
            if type == "%" { out += "%"; continue }
            if spec.align == "<" { spec.zero = false }
            let v: PyValue
            if let value { v = value } else { v = try take() }
            switch type {
                case "s", "r", "a":
                    var text = type == "s" ? try str(v) : try repr(v)
                    if let p = spec.precision { text = String(String.UnicodeScalarView(text.unicodeScalars.prefix(p))) }
                    var s = FormatSpec()
                    s.width = spec.width
                    s.align = spec.align ?? ">"
                    out += s.pad(text, numeric: false)
                case "d", "i", "u", "x", "X", "o":
                    let n: BigInt
                    switch number(v) {
                    case .small(let x): n = BigInt(x)
                    case .big(let x): n = x
                    case .float(let x) where type == "d" || type == "i" || type == "u":
                        guard x.isFinite else { throw error(runtime.classes.overflowError, "cannot convert float infinity to integer") }
                        n = BigInt(x)
                    default:
                        throw typeError("%\(type) format: a real number is required, not \(typeName(v))")
                    }
                    spec.type = type == "i" || type == "u" ? "d" : type
                    let precision = spec.precision
                    spec.precision = nil
                    if let precision {
                        // %.3d pads the digits with zeros.
                        var digits = String(n.magnitude, radix: type == "x" || type == "X" ? 16 : type == "o" ? 8 : 10)
                        if type == "X" { digits = digits.uppercased() }
                        if digits.count < precision { digits = String(repeating: "0", count: precision - digits.count) + digits }
                        let sign = n.sign == .minus && !n.isZero ? "-" : spec.sign == "+" ? "+" : spec.sign == " " ? " " : ""
                        out += spec.pad(digits, prefix: sign, numeric: true)
                    } else {
                        out += try formatted { () throws(FormatSpec.Failure) in try PyFormat.format(n, spec) }
                    }
                case "f", "F", "e", "E", "g", "G":
                    guard let n = number(v) else { throw typeError("must be real number, not \(typeName(v))") }
                    spec.type = type
                    if spec.precision == nil { spec.precision = 6 }
                    let x = try double(n)
                    out += try formatted { () throws(FormatSpec.Failure) in try PyFormat.format(x, spec) }
                case "c":
                    if let s = string(v), s.unicodeScalars.count == 1 { out += spec.pad(s, numeric: false); break }
                    spec.type = "c"
                    out += try formatted { () throws(FormatSpec.Failure) in try PyFormat.format(integerValue(v) ?? 0, spec) }
                default:
                    throw valueError("unsupported format character '\(type)' (0x\(String(type.unicodeScalars.first?.value ?? 0, radix: 16)))")
            }
        }
        if next < values.count && !usedMapping && mapping == nil {
            throw typeError("not all arguments converted during string formatting")
        }
        return out
    }

    /// A spec failure as CPython's ValueError.
    private func formatted(_ body: () throws(FormatSpec.Failure) -> String) throws(PyError) -> String {
        do throws(FormatSpec.Failure) { return try body() } catch { throw valueError(error.message) }
    }

    /// `template.format(*args, **kwargs)`: `{}`, `{0}`, `{name}`, `{0.attr}`, `{0[key]}`, `!r`/`!s`, `:spec` with
    /// nested `{}` fields, and `{{ }}`.
    package func strFormat(_ template: String, _ args: [PyValue], _ kwargs: [(String, PyValue)]) throws(PyError) -> String {
        var auto = 0
        var numbering: Bool?
        return try strFormat(template, args, kwargs, depth: 0, auto: &auto, numbering: &numbering)
    }

    /// One level of `str.format`; a nested spec's `{}` fields go on with the same automatic numbering.
    private func strFormat(_ template: String, _ args: [PyValue], _ kwargs: [(String, PyValue)], depth: Int,
                           auto: inout Int, numbering: inout Bool?) throws(PyError) -> String {
        if depth > 2 { throw valueError("Max string recursion exceeded") }
        let chars = Array(template.unicodeScalars)
        var out = ""
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "}" {
                guard i + 1 < chars.count, chars[i + 1] == "}" else { throw valueError("Single '}' encountered in format string") }
                out += "}"
                i += 2
                continue
            }
            if c != "{" { out.unicodeScalars.append(c); i += 1; continue }
            if i + 1 < chars.count && chars[i + 1] == "{" { out += "{"; i += 2; continue }
            var depthBraces = 1, j = i + 1
            while j < chars.count {
                if chars[j] == "{" { depthBraces += 1 } else if chars[j] == "}" { depthBraces -= 1; if depthBraces == 0 { break } }
                j += 1
            }
            guard j < chars.count else { throw valueError("expected '}' before end of string") }
            let field = String(String.UnicodeScalarView(chars[(i + 1)..<j]))
            i = j + 1
            // field_name [!conversion] [:spec]
            var name = field, spec = "", conversion: Character?
            if let colon = field.firstIndex(of: ":") {
                name = String(field[..<colon])
                spec = String(field[field.index(after: colon)...])
            }
            if let bang = name.firstIndex(of: "!") {
                let conv = name[name.index(after: bang)...]
                guard conv.count == 1, let cv = conv.first, "rsa".contains(cv) else {
                    throw valueError("Unknown conversion specifier \(conv)")
                }
                conversion = cv
                name = String(name[..<bang])
            }
            // The first part of the name picks the argument; .attr and [key] follow.
            let head = name.prefix { $0 != "." && $0 != "[" }
            var rest = name.dropFirst(head.count)
            var value: PyValue
            if head.isEmpty {
                if numbering == true { throw valueError("cannot switch from manual field specification to automatic field numbering") }
                numbering = false
                guard auto < args.count else { throw error(runtime.classes.indexError, "Replacement index \(auto) out of range for positional args tuple") }
                value = args[auto]
                auto += 1
            } else if let n = Int(head) {
                if numbering == false { throw valueError("cannot switch from automatic field numbering to manual field specification") }
                numbering = true
                guard n < args.count else { throw error(runtime.classes.indexError, "Replacement index \(n) out of range for positional args tuple") }
                value = args[n]
            } else {
                guard let v = kwargs.first(where: { $0.0 == head })?.1 else { throw keyError(saying: String(head)) }
                value = v
            }
            incref(value)
            defer { decref(value) }
            while let first = rest.first {
                if first == "." {
                    let attr = rest.dropFirst().prefix { $0 != "." && $0 != "[" }
                    rest = rest.dropFirst(1 + attr.count)
                    let next = try getAttribute(value, runtime.intern(String(attr)))
                    decref(value)
                    value = next
                } else {
                    guard let close = rest.firstIndex(of: "]") else { throw valueError("Missing ']' in format string") }
                    let key = rest[rest.index(after: rest.startIndex)..<close]
                    rest = rest[rest.index(after: close)...]
                    let index = Int(key).map { PyValue.int($0) } ?? newString(String(key))
                    let next = try getItem(value, index)
                    decref(index)
                    decref(value)
                    value = next
                }
            }
            if spec.contains("{") { spec = try strFormat(spec, args, kwargs, depth: depth + 1, auto: &auto, numbering: &numbering) }
            switch conversion {
            case "r", "a": out += try format(value, repr: true, spec: spec)
            case "s":
                let text = newString(try str(value))
                defer { decref(text) }
                out += try format(text, repr: false, spec: spec)
            default: out += try format(value, repr: false, spec: spec)
            }
        }
        return out
    }
}
