import LabCore
import BigInt

/// `bytes`: an immutable string of bytes, as CPython 3.11 has it — what a socket sends and receives.
///
/// conclab's Python has the operations a program that speaks a wire format needs (literals, `bytes(n)`, indexing to
/// an int, slicing, `+`, `*`, comparisons, hashing, `in`, iteration, `repr`, `decode`/`encode` (and `str(b, encoding)`)
/// in UTF-8, ASCII and Latin-1, `int.to_bytes`/`int.from_bytes`, `int(b)`, `hex`, `fromhex`, `join`); the other
/// methods of CPython's bytes are refused by name (`unsupportedMethods`), so a learner reads what is missing instead
/// of an AttributeError that says it does not exist.
package final class PyBytes: PyObject, @unchecked Sendable {
    package let value: [UInt8]
    package init(_ value: [UInt8], id: Int, immortal: Bool, owner: Int) {
        self.value = value
        super.init(kind: .bytes, id: id, immortal: immortal, owner: owner)
    }
}

extension PyRuntime {
    /// A bytes literal's constant: immortal, one per distinct value.
    package func constantBytes(_ value: [UInt8]) -> PyValue {
        numberConstants.withLock { table in
            let key = "b" + PyBytes.hex(value)
            if let v = table[key] { return v }
            let v = heap.immortal(PyBytes(value, id: heap.newID(), immortal: true, owner: 0))
            table[key] = v
            return v
        }
    }
}

extension PyBytes {
    /// Two lowercase hex digits a byte (`bytes.hex()`).
    package static func hex(_ value: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(value.count * 2)
        for b in value {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// CPython's `repr` of bytes: `b'…'`, in double quotes only when the bytes hold a `'` and no `"`; `\t \n \r`,
    /// the quote and the backslash escaped, every other byte outside printable ASCII as `\xhh`.
    package static func repr(_ value: [UInt8]) -> String {
        let quote: UInt8 = value.contains(39) && !value.contains(34) ? 34 : 39
        var out: [UInt8] = [98, quote]
        let digits = Array("0123456789abcdef".utf8)
        for b in value {
            switch b {
            case quote, 92: out += [92, b]
            case 9: out += [92, 116]
            case 10: out += [92, 110]
            case 13: out += [92, 114]
            case 32..<127: out.append(b)
            default: out += [92, 120, digits[Int(b >> 4)], digits[Int(b & 15)]]
            }
        }
        out.append(quote)
        return String(decoding: out, as: UTF8.self)
    }

    /// `value` in `length` bytes of two's complement, when it fits (nil otherwise, and past 8 bytes): the common case
    /// of `to_bytes` and `struct.pack` without a big integer (which made them 20 times slower).
    package static func twosComplement(_ value: Int, length: Int, bigEndian: Bool, signed: Bool) -> [UInt8]? {
        guard length > 0 else { return value == 0 && length == 0 ? [] : nil }
        guard length <= 8 else { return nil }
        let bits = 8 * length
        if signed {
            if bits < 64 && (value < -(1 << (bits - 1)) || value >= 1 << (bits - 1)) { return nil }
        } else if value < 0 || (bits < 64 && value >= 1 << bits) {
            return nil
        }
        var out = [UInt8](repeating: 0, count: length)
        for k in 0..<length { out[bigEndian ? length - 1 - k : k] = UInt8(truncatingIfNeeded: value >> (8 * k)) }
        return out
    }

    /// The methods of CPython's bytes that conclab's Python does not have: asked for, they raise a clear error.
    package static let unsupportedMethods: Set<String> = [
        "capitalize", "center", "count", "endswith", "expandtabs", "find", "index", "isalnum", "isalpha", "isascii",
        "isdigit", "islower", "isspace", "istitle", "isupper", "ljust", "lower", "lstrip", "maketrans",
        "partition", "removeprefix", "removesuffix", "replace", "rfind", "rindex", "rjust", "rpartition", "rsplit",
        "rstrip", "split", "splitlines", "startswith", "strip", "swapcase", "title", "translate", "upper", "zfill",
    ]
}

/// A codec conclab's Python has, from the name a program gives (CPython's spellings: `utf-8`, `UTF8`, `latin_1` …).
package enum PyCodec: String, Sendable {
    case utf8 = "utf-8", ascii, latin1 = "latin-1"

    init?(name: String) {
        let n = name.lowercased().replacingOccurrences(of: "_", with: "-")
        switch n {
        case "utf-8", "utf8", "u8", "utf": self = .utf8
        case "ascii", "us-ascii", "646": self = .ascii
        case "latin-1", "latin1", "iso-8859-1", "iso8859-1", "l1", "8859", "cp819", "latin": self = .latin1
        default: return nil
        }
    }
}

extension PyThreadState {
    package func newBytes(_ value: [UInt8]) -> PyValue {
        allocate(PyBytes(value, id: runtime.heap.newID(), immortal: false, owner: ownerForNew))
    }

    /// Bytes as the text `int()` and `float()` read from them: ASCII as is, any other byte as a character no number has.
    package func asciiText(_ data: [UInt8]) -> String {
        String(String.UnicodeScalarView(data.map { Unicode.Scalar($0 < 128 ? $0 : 0xBF) }))
    }

    /// The bytes inside `v`, or nil when it is not bytes.
    package func bytes(_ v: PyValue) -> [UInt8]? {
        guard v.isObject, v.objectKind == .bytes else { return nil }
        return unsafeDowncast(v.object, to: PyBytes.self).value
    }

    func checkBytesSize(_ count: Int) throws(PyError) {
        guard count <= runtime.limits.stringBytes else { throw memoryError(runtime.limits.stringMessage) }
    }

    /// `+` and `*` with a bytes operand, with CPython's TypeErrors; nil when no operand is bytes (or for `%`, which
    /// is refused).
    package func bytesOperator(_ op: Op, _ a: PyValue, _ b: PyValue) throws(PyError) -> PyValue? {
        let left = bytes(a), right = bytes(b)
        guard left != nil || right != nil else { return nil }
        switch op {
        case .binaryAdd, .inplaceAdd:
            guard let left else { return nil }
            guard let right else { throw typeError("can't concat \(typeName(b)) to bytes") }
            try checkBytesSize(left.count + right.count)
            return newBytes(left + right)
        case .binaryMul, .inplaceMul:
            guard let (value, n) = left.map({ ($0, asInt(b)) }) ?? right.map({ ($0, asInt(a)) }), let n else {
                throw typeError("can't multiply sequence by non-int of type '\(typeName(left != nil ? b : a))'")
            }
            let count = max(0, n)
            guard count == 0 || value.count <= runtime.limits.stringBytes / count else { throw memoryError(runtime.limits.stringMessage) }
            var out: [UInt8] = []
            out.reserveCapacity(value.count * count)
            for _ in 0..<count {
                out += value
                if out.count > 1 << 20 { try periodicCheck() }
            }
            return newBytes(out)
        case .binaryMod, .inplaceMod:
            guard left != nil else { return nil }
            throw error(runtime.classes.notImplementedError, "conclab's Python does not support bytes formatting (bytes % values)")
        default:
            return nil
        }
    }

    /// `-1, 0, 1` for two bytes values (byte by byte, then the shorter first), nil unless both are bytes.
    package func bytesOrder(_ a: PyValue, _ b: PyValue) -> Int? {
        guard let x = bytes(a), let y = bytes(b) else { return nil }
        for (p, q) in zip(x, y) where p != q { return p < q ? -1 : 1 }
        return x.count < y.count ? -1 : x.count == y.count ? 0 : 1
    }

    /// `item in data`: an int is one byte, bytes a run of bytes.
    package func bytesContain(_ data: [UInt8], _ item: PyValue) throws(PyError) -> Bool {
        if let n = asInt(item) {
            guard (0...255).contains(n) else { throw valueError("byte must be in range(0, 256)") }
            return data.contains(UInt8(n))
        }
        guard let needle = bytes(item) else { throw typeError("a bytes-like object is required, not '\(typeName(item))'") }
        if needle.isEmpty { return true }
        guard needle.count <= data.count else { return false }
        for i in 0...(data.count - needle.count) where data[i] == needle[0] && data[i..<(i + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }

    /// `data[index]` (an int) or `data[slice]` (bytes).
    package func bytesItem(_ data: [UInt8], _ index: PyValue) throws(PyError) -> PyValue {
        if index.isObject, index.objectKind == .slice {
            return newBytes(unsafeDowncast(index.object, to: PySlice.self).indices(count: data.count).map { data[$0] })
        }
        guard let i = asInt(index) else {
            if index.isObject, index.objectKind == .bigint { throw error(runtime.classes.indexError, "cannot fit 'int' into an index-sized integer") }
            throw typeError("byte indices must be integers or slices, not \(typeName(index))")
        }
        let j = i < 0 ? i + data.count : i
        guard j >= 0 && j < data.count else { throw error(runtime.classes.indexError, "index out of range") }
        return .int(Int(data[j]))
    }

    /// The codec an `encoding=` argument names (utf-8 when absent); `errors=` must be `strict`.
    package func codec(_ encoding: PyValue?, errors: PyValue?, _ what: String) throws(PyError) -> PyCodec {
        if let errors, errors != .none {
            guard let mode = string(errors) else { throw typeError("\(what)() argument 'errors' must be str, not \(typeName(errors))") }
            if mode != "strict" {
                throw error(runtime.classes.notImplementedError, "conclab's Python does not support errors='\(mode)' (only 'strict')")
            }
        }
        guard let encoding, encoding != .none else { return .utf8 }
        guard let name = string(encoding) else { throw typeError("\(what)() argument 'encoding' must be str, not \(typeName(encoding))") }
        guard let codec = PyCodec(name: name) else {
            throw error(runtime.classes.notImplementedError, "conclab's Python does not support the encoding '\(name)' (it has utf-8, ascii and latin-1)")
        }
        return codec
    }

    /// `bytes.decode`: the text, or CPython's UnicodeDecodeError naming the first bad byte.
    package func decode(_ data: [UInt8], _ codec: PyCodec) throws(PyError) -> String {
        func failure(_ start: Int, _ end: Int, _ reason: String) -> PyError {
            let place = end - start == 1 ? "byte 0x\(PyBytes.hex([data[start]])) in position \(start)" : "bytes in position \(start)-\(end - 1)"
            return error(runtime.classes.unicodeDecodeError, "'\(codec.rawValue == "utf-8" ? "utf-8" : codec.rawValue)' codec can't decode \(place): \(reason)")
        }
        switch codec {
        case .latin1:
            return String(String.UnicodeScalarView(data.map { Unicode.Scalar($0) }))
        case .ascii:
            if let bad = data.firstIndex(where: { $0 >= 128 }) { throw failure(bad, bad + 1, "ordinal not in range(128)") }
            return String(decoding: data, as: UTF8.self)
        case .utf8:
            var i = 0
            while i < data.count {
                let b = data[i]
                if b < 0x80 { i += 1; continue }
                var need = 0, low: UInt8 = 0x80, high: UInt8 = 0xBF
                switch b {
                case 0xC2...0xDF: need = 1
                case 0xE0: need = 2; low = 0xA0
                case 0xE1...0xEC, 0xEE, 0xEF: need = 2
                case 0xED: need = 2; high = 0x9F
                case 0xF0: need = 3; low = 0x90
                case 0xF1...0xF3: need = 3
                case 0xF4: need = 3; high = 0x8F
                default: throw failure(i, i + 1, "invalid start byte")
                }
                for k in 1...need {
                    let j = i + k
                    guard j < data.count else { throw failure(i, data.count, "unexpected end of data") }
                    let (l, h) = k == 1 ? (low, high) : (0x80, 0xBF)
                    if data[j] < l || data[j] > h { throw failure(i, j, "invalid continuation byte") }
                }
                i += need + 1
            }
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// `str.encode`: the bytes, or CPython's UnicodeEncodeError naming the first character the codec cannot hold.
    package func encode(_ text: String, _ codec: PyCodec) throws(PyError) -> [UInt8] {
        if codec == .utf8 { return Array(text.utf8) }
        let limit: UInt32 = codec == .ascii ? 128 : 256
        var out: [UInt8] = []
        for (position, scalar) in text.unicodeScalars.enumerated() {
            guard scalar.value < limit else {
                let v = scalar.value
                let digits = String(v, radix: 16)
                let width = v < 256 ? 2 : v < 65536 ? 4 : 8
                let shown = (v < 256 ? "\\x" : v < 65536 ? "\\u" : "\\U") + String(repeating: "0", count: width - digits.count) + digits
                throw error(runtime.classes.unicodeEncodeError,
                            "'\(codec.rawValue)' codec can't encode character '\(shown)' in position \(position): ordinal not in range(\(limit))")
            }
            out.append(UInt8(scalar.value))
        }
        return out
    }

    /// What `bytes(x)` makes of its one argument that is not a str.
    package func bytesFrom(_ source: PyValue) throws(PyError) -> PyValue {
        if let n = asInt(source) {
            guard n >= 0 else { throw valueError("negative count") }
            try checkBytesSize(n)
            return newBytes([UInt8](repeating: 0, count: n))
        }
        if bytes(source) != nil { incref(source); return source }
        if source.isObject, source.objectKind == .bigint { throw error(runtime.classes.overflowError, "cannot fit 'int' into an index-sized integer") }
        let iterable = source.isObject && [.list, .tuple, .range, .set, .dict, .dictView, .generator, .seqIterator, .rangeIterator,
                                            .lazyIterator, .instance].contains(source.objectKind)
        guard iterable else { throw typeError("cannot convert '\(typeName(source))' object to bytes") }
        let items = try collect(source)
        defer { for v in items { decref(v) } }
        return newBytes(try byteValues(items))
    }

    /// Ints that are bytes (0 to 255), as `bytes([…])` and `int.from_bytes([…])` take them.
    package func byteValues(_ items: [PyValue]) throws(PyError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(items.count)
        for v in items {
            guard let n = asInt(v) else { throw typeError("'\(typeName(v))' object cannot be interpreted as an integer") }
            guard (0...255).contains(n) else { throw valueError("bytes must be in range(0, 256)") }
            out.append(UInt8(n))
        }
        return out
    }

    /// `byteorder` as `to_bytes` and `from_bytes` take it: true for big-endian.
    func bigEndian(_ v: PyValue?) throws(PyError) -> Bool {
        guard let v else { return true }
        guard let s = string(v) else { throw typeError("to_bytes() argument 'byteorder' must be str, not \(typeName(v))") }
        switch s {
        case "big": return true
        case "little": return false
        default: throw valueError("byteorder must be either 'little' or 'big'")
        }
    }

    /// `int.to_bytes(length, byteorder, *, signed)`: two's complement in `length` bytes, or CPython's OverflowError.
    /// A negative value is written as the complement of its magnitude less one (its sign bytes come out as 0xff).
    package func intToBytes(_ value: BigInt, length: Int, bigEndian: Bool, signed: Bool) throws(PyError) -> [UInt8] {
        guard length >= 0 else { throw valueError("length argument must be non-negative") }
        let negative = value.sign == .minus && !value.isZero
        if negative && !signed { throw error(runtime.classes.overflowError, "can't convert negative int to unsigned") }
        var magnitude = negative ? value.magnitude - 1 : value.magnitude
        let room = signed ? 8 * length - 1 : 8 * length
        guard magnitude.bitWidth <= max(0, room) else { throw error(runtime.classes.overflowError, "int too big to convert") }
        try checkBytesSize(length)
        var little: [UInt8] = []
        little.reserveCapacity(length)
        for _ in 0..<length {
            let byte = UInt8(truncatingIfNeeded: magnitude.words.first ?? 0)
            little.append(negative ? ~byte : byte)
            magnitude >>= 8
        }
        return bigEndian ? little.reversed() : little
    }

    /// `int.from_bytes(data, byteorder, *, signed)`.
    package func intFromBytes(_ data: [UInt8], bigEndian: Bool, signed: Bool) -> PyValue {
        if data.count <= 8 {
            var word: UInt64 = 0
            for b in bigEndian ? data : data.reversed() { word = word << 8 | UInt64(b) }
            let unused = 64 - 8 * data.count
            if signed, unused < 64 {
                let value = Int(Int64(bitPattern: word << UInt64(unused)) >> Int64(unused))
                return PyValue.checkedInt(value) ?? newInt(BigInt(value))
            }
            if word <= UInt64(PyValue.maxInt) { return .int(Int(word)) }
        }
        var value = BigInt(0)
        for b in bigEndian ? data : data.reversed() { value = value << 8 + BigInt(b) }
        if signed, let top = bigEndian ? data.first : data.last, top >= 0x80 { value -= BigInt(1) << (8 * data.count) }
        return newInt(value)
    }
}

extension Builtins {
    /// `bytes(…)`, the methods of bytes, `str.encode` and `int.to_bytes`.
    static let bytesFunctions: [Builtin] = [
        Builtin("bytes") { ts, a throws(PyError) in
            try a.expect(0...3, keywords: ["source", "encoding", "errors"], ts)
            let source = a.count >= 1 ? a[0] : a.keyword("source")
            let encoding = a.count >= 2 ? a[1] : a.keyword("encoding")
            let errors = a.count >= 3 ? a[2] : a.keyword("errors")
            guard let source else {
                if encoding != nil || errors != nil { throw ts.typeError("encoding or errors without sequence argument") }
                return ts.newBytes([])
            }
            if let text = ts.string(source) {
                guard encoding != nil else { throw ts.typeError("string argument without an encoding") }
                return ts.newBytes(try ts.encode(text, try ts.codec(encoding, errors: errors, "bytes")))
            }
            if encoding != nil { throw ts.typeError("encoding without a string argument") }
            if errors != nil { throw ts.typeError("errors without a string argument") }
            return try ts.bytesFrom(source)
        },
        Builtin("decode", on: .bytes) { ts, a throws(PyError) in
            try a.expect(1...3, keywords: ["encoding", "errors"], ts)
            let codec = try ts.codec(a.count >= 2 ? a[1] : a.keyword("encoding"), errors: a.count >= 3 ? a[2] : a.keyword("errors"), "decode")
            return ts.newString(try ts.decode(ts.bytes(a[0]) ?? [], codec))
        },
        Builtin("bytearray") { ts, _ throws(PyError) in
            throw ts.error(ts.runtime.classes.notImplementedError,
                           "conclab's Python does not support bytearray (bytes are immutable: join the pieces with b''.join, or slice)")
        },
        Builtin("join", on: .bytes) { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let separator = ts.bytes(a[0]) ?? []
            let items = try ts.collect(a[1])
            defer { for v in items { ts.decref(v) } }
            var out: [UInt8] = []
            for (i, v) in items.enumerated() {
                guard let part = ts.bytes(v) else {
                    throw ts.typeError("sequence item \(i): expected a bytes-like object, \(ts.typeName(v)) found")
                }
                if i > 0 { out += separator }
                out += part
                try ts.checkBytesSize(out.count)
            }
            return ts.newBytes(out)
        },
        Builtin("hex", on: .bytes) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return ts.newString(PyBytes.hex(ts.bytes(a[0]) ?? []))
        },
        Builtin("encode", on: .str) { ts, a throws(PyError) in
            try a.expect(1...3, keywords: ["encoding", "errors"], ts)
            let codec = try ts.codec(a.count >= 2 ? a[1] : a.keyword("encoding"), errors: a.count >= 3 ? a[2] : a.keyword("errors"), "encode")
            return ts.newBytes(try ts.encode(ts.string(a[0]) ?? "", codec))
        },
        Builtin("to_bytes", on: .bigint) { ts, a throws(PyError) in
            try a.expect(1...3, keywords: ["length", "byteorder", "signed"], ts)
            guard let n = ts.number(a[0]), let value = n.integer else { throw ts.typeError("descriptor 'to_bytes' requires an 'int' object") }
            let length = try (a.count >= 2 ? a[1] : a.keyword("length")).map { (v: PyValue) throws(PyError) in try ts.intArgument(v, "length") } ?? 1
            let big = try ts.bigEndian(a.count >= 3 ? a[2] : a.keyword("byteorder"))
            let signed = try a.keyword("signed").map { (v: PyValue) throws(PyError) in try ts.truthy(v) } ?? false
            if let small = ts.asInt(a[0]), let data = PyBytes.twosComplement(small, length: length, bigEndian: big, signed: signed) {
                return ts.newBytes(data)
            }
            return ts.newBytes(try ts.intToBytes(value, length: length, bigEndian: big, signed: signed))
        },
    ]

    /// `bytes.fromhex(text)`: two hex digits a byte, white space between bytes allowed.
    static let bytesFromHex = Builtin("fromhex") { ts, a throws(PyError) in
        try a.expect(1...1, ts)
        guard let text = ts.string(a[0]) else { throw ts.typeError("fromhex() argument must be str, not \(ts.typeName(a[0]))") }
        let chars = Array(text.unicodeScalars)
        var out: [UInt8] = []
        var i = 0
        while i < chars.count {
            if chars[i] == " " || (9...13).contains(chars[i].value) { i += 1; continue }
            guard let high = Int(String(chars[i]), radix: 16) else {
                throw ts.valueError("non-hexadecimal number found in fromhex() arg at position \(i)")
            }
            guard i + 1 < chars.count, let low = Int(String(chars[i + 1]), radix: 16) else {
                throw ts.valueError("non-hexadecimal number found in fromhex() arg at position \(i + 1)")
            }
            out.append(UInt8(high * 16 + low))
            i += 2
        }
        return ts.newBytes(out)
    }

    /// `int.from_bytes(data, byteorder, *, signed)`, a class method of int.
    static let intFromBytes = Builtin("from_bytes") { ts, a throws(PyError) in
        try a.expect(1...2, keywords: ["bytes", "byteorder", "signed"], ts)
        let source = a[0]
        let data: [UInt8]
        if let b = ts.bytes(source) { data = b } else {
            if ts.string(source) != nil { throw ts.typeError("cannot convert 'str' object to bytes") }
            let made = try ts.bytesFrom(source)
            defer { ts.decref(made) }
            data = ts.bytes(made) ?? []
        }
        let big = try ts.bigEndian(a.count >= 2 ? a[1] : a.keyword("byteorder"))
        let signed = try a.keyword("signed").map { (v: PyValue) throws(PyError) in try ts.truthy(v) } ?? false
        return ts.intFromBytes(data, bigEndian: big, signed: signed)
    }
}
