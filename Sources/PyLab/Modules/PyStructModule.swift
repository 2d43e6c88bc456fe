import LabCore
import BigInt

/// `struct`: `pack`, `unpack` and `calcsize` for the fixed-size codes a wire format uses (`x c b B ? h H i I l L
/// q Q s`, with counts), in native (`@`, with alignment) or standard (`= < > !`) sizes and byte orders, raising
/// CPython 3.11's `struct.error` with its words for a value out of range.
package enum StructModule {
    /// One code of a format: how many bytes it takes, and how it is aligned in native mode.
    struct Item {
        var code: Character
        var size: Int
        /// `s`: one item of `size` bytes; otherwise `count` items are separate codes.
        var offset: Int
    }

    struct Layout {
        var items: [Item] = []
        var size = 0
        var bigEndian = false
        /// How many values `pack` takes and `unpack` gives (`x` takes none).
        var valueCount: Int { items.filter { $0.code != "x" }.count }
    }

    /// Standard sizes; native ones differ only for `l` and `L` (8 bytes on Linux x86-64 and arm64).
    static let standardSizes: [Character: Int] = ["x": 1, "c": 1, "b": 1, "B": 1, "?": 1, "h": 2, "H": 2, "i": 4, "I": 4,
                                                  "l": 4, "L": 4, "q": 8, "Q": 8, "s": 1]

    static func layout(_ format: String, error: (String) -> PyError) throws(PyError) -> Layout {
        var chars = Substring(format)
        var native = true
        var layout = Layout()
        if let first = chars.first, "@=<>!".contains(first) {
            native = first == "@"
            layout.bigEndian = first == ">" || first == "!"
            chars = chars.dropFirst()
        }
        var count: Int?
        for c in chars {
            if c.isWhitespace && count == nil { continue }
            if let digit = c.wholeNumberValue, c.isASCII {
                count = (count ?? 0) * 10 + digit
                if count ?? 0 > 1 << 24 { throw error("total struct size too long") }
                continue
            }
            guard var size = standardSizes[c] else { throw error("bad char in struct format") }
            if native && (c == "l" || c == "L") { size = 8 }
            if native && size > 1 { layout.size = (layout.size + size - 1) / size * size }
            let n = count ?? 1
            count = nil
            if c == "s" {
                layout.items.append(Item(code: c, size: n, offset: layout.size))
                layout.size += n
                continue
            }
            for _ in 0..<n {
                layout.items.append(Item(code: c, size: size, offset: layout.size))
                layout.size += size
            }
        }
        if count != nil { throw error("repeat count given without format specifier") }
        return layout
    }

    /// CPython 3.11's words when `value` does not fit `code`, nil when it does. CPython first converts the value to a C
    /// long (`b B h i l q`, and `H` in little-endian or native order) or unsigned long (`I L Q`, and `H` big-endian):
    /// a value outside that is "argument out of range" ("int too large to convert" for big-endian `q Q`); then it
    /// checks the code's own range, in words that differ by code and byte order.
    static func rangeError(_ code: Character, size: Int, bigEndian: Bool, value: BigInt) -> String? {
        let unsignedConversion = "ILQ".contains(code) || (code == "H" && bigEndian)
        let outside = bigEndian && (code == "q" || code == "Q") ? "int too large to convert" : "argument out of range"
        let long = BigInt(1) << 63
        if unsignedConversion ? (value.sign == .minus && !value.isZero) || value >= long << 1 : value < -long || value >= long {
            return outside
        }
        let signed = "bhilq".contains(code)
        let bits = 8 * size
        let low = signed ? -(BigInt(1) << (bits - 1)) : 0
        let high = signed ? (BigInt(1) << (bits - 1)) - 1 : (BigInt(1) << bits) - 1
        if value >= low && value <= high { return nil }
        let names: [Character: String] = bigEndian ? ["b": "byte", "B": "ubyte"] : ["b": "byte", "B": "ubyte", "h": "short", "H": "ushort"]
        return "\(names[code] ?? "'\(code)'") format requires \(low) <= number <= \(high)"
    }

    static func pack(_ ts: PyThreadState, _ layout: Layout, _ values: [PyValue], error: (String) -> PyError) throws(PyError) -> [UInt8] {
        guard values.count == layout.valueCount else {
            throw error("pack expected \(layout.valueCount) items for packing (got \(values.count))")
        }
        var out = [UInt8](repeating: 0, count: layout.size)
        var next = 0
        for item in layout.items where item.code != "x" {
            let v = values[next]
            next += 1
            var field: [UInt8]
            switch item.code {
            case "c":
                guard let b = ts.bytes(v), b.count == 1 else { throw error("char format requires a bytes object of length 1") }
                field = b
            case "s":
                guard let b = ts.bytes(v) else { throw error("argument for 's' must be a bytes object") }
                field = Array(b.prefix(item.size)) + [UInt8](repeating: 0, count: max(0, item.size - b.count))
            case "?":
                field = [try ts.truthy(v) ? 1 : 0]
            default:
                if let small = ts.asInt(v), ts.floatValue(v) == nil,
                   let data = PyBytes.twosComplement(small, length: item.size, bigEndian: layout.bigEndian, signed: "bhilq".contains(item.code)) {
                    field = data
                    break
                }
                guard let value = ts.number(v)?.integer else {
                    throw error("required argument is not an integer")
                }
                if let message = rangeError(item.code, size: item.size, bigEndian: layout.bigEndian, value: value) { throw error(message) }
                field = try ts.intToBytes(value, length: item.size, bigEndian: layout.bigEndian, signed: "bhilq".contains(item.code))
            }
            for (k, b) in field.enumerated() { out[item.offset + k] = b }
        }
        return out
    }

    static func unpack(_ ts: PyThreadState, _ layout: Layout, _ data: [UInt8], error: (String) -> PyError) throws(PyError) -> PyValue {
        guard data.count == layout.size else { throw error("unpack requires a buffer of \(layout.size) bytes") }
        var values: [PyValue] = []
        for item in layout.items where item.code != "x" {
            let field = Array(data[item.offset..<(item.offset + item.size)])
            switch item.code {
            case "c", "s": values.append(ts.newBytes(field))
            case "?": values.append(.bool(field[0] != 0))
            default: values.append(ts.intFromBytes(field, bigEndian: layout.bigEndian, signed: "bhilq".contains(item.code)))
            }
        }
        return ts.newTuple(values)
    }

    /// `struct.error` (the class the module's source defines) with `message`.
    static func structError(_ ts: PyThreadState, _ message: String) -> PyError {
        if let slot = ts.runtime.existingGlobalSlot("_struct.error") {
            let v = ts.runtime.globals.load(slot)
            if v.isObject, let cls = v.object as? PyClass { return ts.error(cls, message) }
        }
        return ts.valueError(message)
    }

    static func format(_ ts: PyThreadState, _ v: PyValue) throws(PyError) -> String {
        if let s = ts.string(v) { return s }
        if let b = ts.bytes(v) { return String(decoding: b, as: UTF8.self) }
        throw ts.typeError("Struct() argument 1 must be a str or bytes object, not \(ts.typeName(v))")
    }

    package static let definition = ModuleDefinition("struct", natives: [
        Builtin("pack") { ts, a throws(PyError) in
            try a.expect(1...Int.max, ts)
            let fail = { (m: String) in structError(ts, m) }
            let layout = try layout(try format(ts, a[0]), error: fail)
            return ts.newBytes(try pack(ts, layout, (1..<a.count).map { a[$0] }, error: fail))
        },
        Builtin("unpack") { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let fail = { (m: String) in structError(ts, m) }
            let layout = try layout(try format(ts, a[0]), error: fail)
            guard let data = ts.bytes(a[1]) else { throw ts.typeError("a bytes-like object is required, not '\(ts.typeName(a[1]))'") }
            return try unpack(ts, layout, data, error: fail)
        },
        Builtin("calcsize") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return .int(try layout(try format(ts, a[0]), error: { structError(ts, $0) }).size)
        },
    ], source: """
        class error(Exception):
            pass
        """)
}
