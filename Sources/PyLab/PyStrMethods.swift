import BigInt
import LabCore

/// The str methods a learner uses, by code point as CPython counts (`len('héllo') == 5`, `'🙂'[0]`), and the
/// numeric built-ins (`float`, `round`, `format`, `hash`).
extension Builtins {
    private typealias Scalars = [Unicode.Scalar]

    private static func text(_ s: some Sequence<Unicode.Scalar>) -> String {
        var out = String.UnicodeScalarView()
        out.append(contentsOf: s)
        return String(out)
    }

    private static func scalars(_ ts: PyThreadState, _ v: PyValue) -> Scalars { Array((ts.string(v) ?? "").unicodeScalars) }

    private static func isSpace(_ c: Unicode.Scalar) -> Bool { Character(c).isPythonWhitespace }

    /// A str argument, or CPython's TypeError naming the method.
    private static func strArgument(_ ts: PyThreadState, _ v: PyValue, _ a: BuiltinArgs) throws(PyError) -> Scalars {
        guard let s = ts.string(v) else { throw ts.typeError("\(a.name)() argument must be str, not \(ts.typeName(v))") }
        return Array(s.unicodeScalars)
    }

    /// `start` and `end` arguments as slice bounds over `count` items.
    private static func bounds(_ ts: PyThreadState, _ a: BuiltinArgs, from first: Int, count: Int) throws(PyError) -> (Int, Int) {
        func clamp(_ i: Int) -> Int { i < 0 ? max(0, i + count) : min(i, count) }
        var lo = 0, hi = count
        if a.count > first, a[first] != .none { lo = clamp(try ts.intArgument(a[first], "slice indices")) }
        if a.count > first + 1, a[first + 1] != .none { hi = clamp(try ts.intArgument(a[first + 1], "slice indices")) }
        return (lo, hi)
    }

    private static func find(_ hay: ArraySlice<Unicode.Scalar>, _ needle: Scalars, last: Bool) -> Int? {
        let n = needle.count
        guard hay.count >= n else { return nil }
        let positions = Array(hay.startIndex...(hay.endIndex - n))
        for i in last ? positions.reversed() : positions where hay[i..<(i + n)].elementsEqual(needle) { return i }
        return nil
    }

    private static func occurrences(_ hay: Scalars, _ needle: Scalars, limit: Int = Int.max) -> [Int] {
        var found: [Int] = []
        guard !needle.isEmpty else { return Array(0...hay.count).prefix(limit).map { $0 } }
        var i = 0
        while i + needle.count <= hay.count && found.count < limit {
            if hay[i..<(i + needle.count)].elementsEqual(needle) { found.append(i); i += needle.count } else { i += 1 }
        }
        return found
    }

    /// `split`/`rsplit`: on runs of white space without a separator, else on each separator; at most `maxsplit`.
    private static func split(_ s: Scalars, _ sep: Scalars?, _ maxsplit: Int, fromRight: Bool) -> [String] {
        var parts: [String] = []
        let limit = maxsplit < 0 ? Int.max : maxsplit
        guard let sep else {
            var words: [String] = []
            var items = fromRight ? Array(s.reversed()) : s
            var splits = 0
            while true {
                while let f = items.first, isSpace(f) { items.removeFirst() }
                if items.isEmpty { break }
                if splits == limit {
                    var restItems = items
                    if fromRight { restItems.reverse() }
                    words.append(text(restItems))
                    break
                }
                let word = items.prefix { !isSpace($0) }
                words.append(text(fromRight ? Array(word.reversed()) : Array(word)))
                items.removeFirst(word.count)
                splits += 1
            }
            return fromRight ? words.reversed() : words
        }
        if fromRight {
            var hay = s
            var out: [String] = []
            while out.count < limit, let i = find(hay[...], sep, last: true) {
                out.append(text(hay[(i + sep.count)...]))
                hay = Array(hay[..<i])
            }
            out.append(text(hay))
            return out.reversed()
        }
        var start = 0
        for i in occurrences(s, sep, limit: limit) {
            parts.append(text(s[start..<i]))
            start = i + sep.count
        }
        parts.append(text(s[start...]))
        return parts
    }

    private static func strip(_ ts: PyThreadState, _ a: BuiltinArgs, left: Bool, right: Bool) throws(PyError) -> PyValue {
        try a.expect(1...2, ts)
        var s = scalars(ts, a[0])[...]
        let chars: Set<Unicode.Scalar>? = a.count == 2 && a[1] != .none ? Set(try strArgument(ts, a[1], a)) : nil
        func strips(_ c: Unicode.Scalar) -> Bool { chars.map { $0.contains(c) } ?? isSpace(c) }
        if left { while let f = s.first, strips(f) { s = s.dropFirst() } }
        if right { while let l = s.last, strips(l) { s = s.dropLast() } }
        return ts.newString(text(s))
    }

    private static func affix(_ ts: PyThreadState, _ a: BuiltinArgs, suffix: Bool) throws(PyError) -> PyValue {
        try a.expect(2...4, ts)
        let s = scalars(ts, a[0])
        let (lo, hi) = try bounds(ts, a, from: 2, count: s.count)
        let part = lo <= hi ? s[lo..<hi] : []
        var candidates: [PyValue] = [a[1]]
        if a[1].isObject, a[1].objectKind == .tuple { candidates = unsafeDowncast(a[1].object, to: PyTuple.self).items }
        for c in candidates {
            guard let t = ts.string(c) else {
                throw ts.typeError("\(suffix ? "endswith" : "startswith") first arg must be str or a tuple of str, not \(ts.typeName(c))")
            }
            let p = Array(t.unicodeScalars)
            if p.count <= part.count && (suffix ? part.suffix(p.count).elementsEqual(p) : part.prefix(p.count).elementsEqual(p)) { return .true }
        }
        return .false
    }

    private static func search(_ ts: PyThreadState, _ a: BuiltinArgs, last: Bool, raising: Bool) throws(PyError) -> PyValue {
        try a.expect(2...4, ts)
        let s = scalars(ts, a[0])
        let needle = try strArgument(ts, a[1], a)
        let (lo, hi) = try bounds(ts, a, from: 2, count: s.count)
        if lo <= hi, let i = find(s[lo..<hi], needle, last: last) { return .int(i) }
        if raising { throw ts.valueError("substring not found") }
        return .int(-1)
    }

    private static func justify(_ ts: PyThreadState, _ a: BuiltinArgs, _ align: Character) throws(PyError) -> PyValue {
        try a.expect(2...3, ts)
        let s = ts.string(a[0]) ?? ""
        let width = try ts.intArgument(a[1], "width")
        var fill: Character = " "
        if a.count == 3 {
            guard let f = ts.string(a[2]), f.unicodeScalars.count == 1 else {
                throw ts.typeError("The fill character must be exactly one character long")
            }
            fill = Character(f)
        }
        let n = s.unicodeScalars.count
        guard width > n else { return ts.newString(s) }
        let pad = width - n
        let f = String(fill)
        switch align {
        case "<": return ts.newString(s + String(repeating: f, count: pad))
        case ">": return ts.newString(String(repeating: f, count: pad) + s)
        default:
            // CPython's center puts the odd extra space on the left when the width is odd.
            let left = pad / 2 + (pad & width & 1)
            return ts.newString(String(repeating: f, count: left) + s + String(repeating: f, count: pad - left))
        }
    }

    private static func test(_ ts: PyThreadState, _ a: BuiltinArgs, _ each: (Unicode.Scalar) -> Bool) throws(PyError) -> PyValue {
        try a.expect(1...1, ts)
        let s = scalars(ts, a[0])
        return .bool(!s.isEmpty && s.allSatisfy(each))
    }

    private static func isAlpha(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    private static func isCased(_ c: Unicode.Scalar) -> Bool { c.properties.isUppercase || c.properties.isLowercase || c.properties.generalCategory == .titlecaseLetter }

    /// `s.title()`: a cased character after an uncased one starts a word (CPython's rule, so "they're" → "They'Re").
    private static func title(_ s: Scalars) -> String {
        var out = ""
        var previousCased = false
        for c in s {
            out += previousCased ? String(c).lowercased() : c.properties.titlecaseMapping
            previousCased = isCased(c)
        }
        return out
    }

    package static let textMethods: [Builtin] = [
        Builtin("split", on: .str) { ts, a throws(PyError) in
            try a.expect(1...3, keywords: ["sep", "maxsplit"], ts)
            let sepValue = a.count > 1 ? a[1] : a.keyword("sep") ?? .none
            let sep: Scalars? = sepValue == .none ? nil : try strArgument(ts, sepValue, a)
            if sep?.isEmpty == true { throw ts.valueError("empty separator") }
            let maxsplit = try (a.count > 2 ? a[2] : a.keyword("maxsplit")).map { (v: PyValue) throws(PyError) in try ts.intArgument(v, "maxsplit") } ?? -1
            return ts.newList(split(scalars(ts, a[0]), sep, maxsplit, fromRight: false).map { ts.newString($0) })
        },
        Builtin("rsplit", on: .str) { ts, a throws(PyError) in
            try a.expect(1...3, keywords: ["sep", "maxsplit"], ts)
            let sepValue = a.count > 1 ? a[1] : a.keyword("sep") ?? .none
            let sep: Scalars? = sepValue == .none ? nil : try strArgument(ts, sepValue, a)
            if sep?.isEmpty == true { throw ts.valueError("empty separator") }
            let maxsplit = try (a.count > 2 ? a[2] : a.keyword("maxsplit")).map { (v: PyValue) throws(PyError) in try ts.intArgument(v, "maxsplit") } ?? -1
            return ts.newList(split(scalars(ts, a[0]), sep, maxsplit, fromRight: true).map { ts.newString($0) })
        },
        Builtin("join", on: .str) { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let sep = ts.string(a[0]) ?? ""
            let items = try ts.collect(a[1])
            defer { for v in items { ts.decref(v) } }
            var parts: [String] = []
            for (i, v) in items.enumerated() {
                guard let s = ts.string(v) else { throw ts.typeError("sequence item \(i): expected str instance, \(ts.typeName(v)) found") }
                parts.append(s)
            }
            return ts.newString(parts.joined(separator: sep))
        },
        Builtin("strip", on: .str) { ts, a throws(PyError) in try strip(ts, a, left: true, right: true) },
        Builtin("lstrip", on: .str) { ts, a throws(PyError) in try strip(ts, a, left: true, right: false) },
        Builtin("rstrip", on: .str) { ts, a throws(PyError) in try strip(ts, a, left: false, right: true) },
        Builtin("startswith", on: .str) { ts, a throws(PyError) in try affix(ts, a, suffix: false) },
        Builtin("endswith", on: .str) { ts, a throws(PyError) in try affix(ts, a, suffix: true) },
        Builtin("find", on: .str) { ts, a throws(PyError) in try search(ts, a, last: false, raising: false) },
        Builtin("rfind", on: .str) { ts, a throws(PyError) in try search(ts, a, last: true, raising: false) },
        Builtin("index", on: .str) { ts, a throws(PyError) in try search(ts, a, last: false, raising: true) },
        Builtin("rindex", on: .str) { ts, a throws(PyError) in try search(ts, a, last: true, raising: true) },
        Builtin("count", on: .str) { ts, a throws(PyError) in
            try a.expect(2...4, ts)
            let s = scalars(ts, a[0])
            let needle = try strArgument(ts, a[1], a)
            let (lo, hi) = try bounds(ts, a, from: 2, count: s.count)
            guard lo <= hi else { return .int(0) }
            return .int(occurrences(Array(s[lo..<hi]), needle).count)
        },
        Builtin("replace", on: .str) { ts, a throws(PyError) in
            try a.expect(3...4, ts)
            let s = scalars(ts, a[0])
            let old = try strArgument(ts, a[1], a), new = try strArgument(ts, a[2], a)
            let count = a.count == 4 ? try ts.intArgument(a[3], "count") : -1
            let at = occurrences(s, old, limit: count < 0 ? Int.max : count)
            var out: Scalars = []
            var start = 0
            for i in at {
                if i < start { continue }
                out += s[start..<i]
                out += new
                start = i + old.count
            }
            if start <= s.count { out += s[start...] }
            return ts.newString(text(out))
        },
        Builtin("upper", on: .str) { ts, a throws(PyError) in try a.expect(1...1, ts); return ts.newString((ts.string(a[0]) ?? "").uppercased()) },
        Builtin("lower", on: .str) { ts, a throws(PyError) in try a.expect(1...1, ts); return ts.newString((ts.string(a[0]) ?? "").lowercased()) },
        Builtin("casefold", on: .str) { ts, a throws(PyError) in try a.expect(1...1, ts); return ts.newString((ts.string(a[0]) ?? "").lowercased()) },
        Builtin("title", on: .str) { ts, a throws(PyError) in try a.expect(1...1, ts); return ts.newString(title(scalars(ts, a[0]))) },
        Builtin("capitalize", on: .str) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let s = scalars(ts, a[0])
            guard let f = s.first else { return ts.newString("") }
            return ts.newString(f.properties.titlecaseMapping + text(s.dropFirst()).lowercased())
        },
        Builtin("swapcase", on: .str) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return ts.newString(scalars(ts, a[0]).map { c in
                c.properties.isUppercase ? String(c).lowercased() : c.properties.isLowercase ? String(c).uppercased() : String(c)
            }.joined())
        },
        Builtin("isdigit", on: .str) { ts, a throws(PyError) in
            try test(ts, a) { $0.properties.numericType == .decimal || $0.properties.numericType == .digit }
        },
        Builtin("isdecimal", on: .str) { ts, a throws(PyError) in try test(ts, a) { $0.properties.numericType == .decimal } },
        Builtin("isnumeric", on: .str) { ts, a throws(PyError) in try test(ts, a) { $0.properties.numericType != nil } },
        Builtin("isalpha", on: .str) { ts, a throws(PyError) in try test(ts, a, isAlpha) },
        Builtin("isalnum", on: .str) { ts, a throws(PyError) in try test(ts, a) { isAlpha($0) || $0.properties.numericType != nil } },
        Builtin("isspace", on: .str) { ts, a throws(PyError) in try test(ts, a, isSpace) },
        Builtin("isupper", on: .str) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let s = scalars(ts, a[0])
            return .bool(s.contains(where: isCased) && !s.contains { $0.properties.isLowercase || $0.properties.generalCategory == .titlecaseLetter })
        },
        Builtin("islower", on: .str) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let s = scalars(ts, a[0])
            return .bool(s.contains(where: isCased) && !s.contains { $0.properties.isUppercase || $0.properties.generalCategory == .titlecaseLetter })
        },
        Builtin("zfill", on: .str) { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            var s = scalars(ts, a[0])
            let width = try ts.intArgument(a[1], "width")
            guard width > s.count else { return ts.newString(text(s)) }
            let zeros = Array(repeating: Unicode.Scalar(UInt8(48)), count: width - s.count)
            let signed = s.first == "+" || s.first == "-"
            s.insert(contentsOf: zeros, at: signed ? 1 : 0)
            return ts.newString(text(s))
        },
        Builtin("center", on: .str) { ts, a throws(PyError) in try justify(ts, a, "^") },
        Builtin("ljust", on: .str) { ts, a throws(PyError) in try justify(ts, a, "<") },
        Builtin("rjust", on: .str) { ts, a throws(PyError) in try justify(ts, a, ">") },
        Builtin("partition", on: .str) { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let s = scalars(ts, a[0]), sep = try strArgument(ts, a[1], a)
            if sep.isEmpty { throw ts.valueError("empty separator") }
            guard let i = find(s[...], sep, last: false) else { return ts.newTuple([ts.newString(text(s)), ts.newString(""), ts.newString("")]) }
            return ts.newTuple([ts.newString(text(s[..<i])), ts.newString(text(sep)), ts.newString(text(s[(i + sep.count)...]))])
        },
        Builtin("rpartition", on: .str) { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let s = scalars(ts, a[0]), sep = try strArgument(ts, a[1], a)
            if sep.isEmpty { throw ts.valueError("empty separator") }
            guard let i = find(s[...], sep, last: true) else { return ts.newTuple([ts.newString(""), ts.newString(""), ts.newString(text(s))]) }
            return ts.newTuple([ts.newString(text(s[..<i])), ts.newString(text(sep)), ts.newString(text(s[(i + sep.count)...]))])
        },
        Builtin("splitlines", on: .str) { ts, a throws(PyError) in
            try a.expect(1...2, keywords: ["keepends"], ts)
            let keep = try (a.count == 2 ? a[1] : a.keyword("keepends")).map { (v: PyValue) throws(PyError) in try ts.truthy(v) } ?? false
            let s = scalars(ts, a[0])
            let breaks: Set<UInt32> = [0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029]
            var lines: [String] = []
            var start = 0, i = 0
            while i < s.count {
                if breaks.contains(s[i].value) {
                    var end = i + 1
                    if s[i] == "\r" && i + 1 < s.count && s[i + 1] == "\n" { end += 1 }
                    lines.append(text(s[start..<(keep ? end : i)]))
                    start = end
                    i = end
                } else {
                    i += 1
                }
            }
            if start < s.count { lines.append(text(s[start...])) }
            return ts.newList(lines.map { ts.newString($0) })
        },
        Builtin("removeprefix", on: .str) { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let s = ts.string(a[0]) ?? "", p = text(try strArgument(ts, a[1], a))
            return ts.newString(s.unicodeScalars.starts(with: p.unicodeScalars) ? text(s.unicodeScalars.dropFirst(p.unicodeScalars.count)) : s)
        },
        Builtin("removesuffix", on: .str) { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let s = scalars(ts, a[0]), p = try strArgument(ts, a[1], a)
            return ts.newString(!p.isEmpty && s.suffix(p.count).elementsEqual(p) ? text(s.dropLast(p.count)) : text(s))
        },
        Builtin("format", on: .str) { ts, a throws(PyError) in
            let args = (1..<max(1, a.count)).map { a[$0] }
            return ts.newString(try ts.strFormat(ts.string(a[0]) ?? "", args, a.keywords))
        },
        Builtin("format_map", on: .str) { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            guard a[1].isObject, a[1].objectKind == .dict else {
                throw ts.error(ts.runtime.classes.notImplementedError, "conclab's Python does not support format_map of a \(ts.typeName(a[1])) (only of a dict)")
            }
            let entries = unsafeDowncast(a[1].object, to: PyDict.self).storage.withLock { $0.entries.compactMap { $0 } }
            let named = entries.compactMap { e in ts.string(e.key).map { ($0, e.value) } }
            return ts.newString(try ts.strFormat(ts.string(a[0]) ?? "", [], named))
        },
        Builtin("isascii", on: .str) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return .bool((ts.string(a[0]) ?? "").utf8.allSatisfy { $0 < 0x80 })
        },
        Builtin("isidentifier", on: .str) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let s = scalars(ts, a[0])
            guard let first = s.first, first == "_" || first.properties.isXIDStart else { return .false }
            return .bool(s.dropFirst().allSatisfy { $0.properties.isXIDContinue })
        },
        Builtin("istitle", on: .str) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            // Upper- and titlecase only after an uncased character, lowercase only after a cased one (CPython's rule).
            var cased = false, previousCased = false
            for c in scalars(ts, a[0]) {
                if c.properties.isUppercase || c.properties.generalCategory == .titlecaseLetter {
                    if previousCased { return .false }
                    previousCased = true
                    cased = true
                } else if c.properties.isLowercase {
                    if !previousCased { return .false }
                    previousCased = true
                    cased = true
                } else {
                    previousCased = false
                }
            }
            return .bool(cased)
        },
        Builtin("isprintable", on: .str) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return .bool(scalars(ts, a[0]).allSatisfy { c in
                switch c.properties.generalCategory {
                case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator: return false
                case .spaceSeparator: return c == " "
                default: return true
                }
            })
        },
        Builtin("expandtabs", on: .str) { ts, a throws(PyError) in
            try a.expect(1...2, keywords: ["tabsize"], ts)
            let size = try (a.count == 2 ? a[1] : a.keyword("tabsize")).map { (v: PyValue) throws(PyError) in try ts.intArgument(v, "tabsize") } ?? 8
            var out = String.UnicodeScalarView()
            var column = 0
            for c in scalars(ts, a[0]) {
                if c == "\t" {
                    if size > 0 {
                        let pad = size - column % size
                        out.append(contentsOf: repeatElement(" ", count: pad))
                        column += pad
                    }
                } else {
                    out.append(c)
                    column = c == "\n" || c == "\r" ? 0 : column + 1
                }
            }
            return ts.newString(String(out))
        },
        Builtin("translate", on: .str) { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let table = a[1]
            var out = String.UnicodeScalarView()
            for c in scalars(ts, a[0]) {
                let found: PyValue?
                do throws(PyError) {
                    found = try ts.getItem(table, .int(Int(c.value)))
                } catch {
                    // A LookupError leaves the character as it is (CPython's rule).
                    guard error.type.isSubclass(of: ts.runtime.classes.lookupError) else { throw error }
                    var e = error
                    ts.releaseInstance(&e)
                    found = nil
                }
                guard let found else { out.append(c); continue }
                defer { ts.decref(found) }
                if found == .none { continue }
                if let code = ts.asInt(found) {
                    guard let scalar = Unicode.Scalar(UInt32(clamping: max(0, code))), code <= 0x10FFFF else {
                        throw ts.valueError("character mapping must be in range(0x110000)")
                    }
                    out.append(scalar)
                } else if let text = ts.string(found) {
                    out.append(contentsOf: text.unicodeScalars)
                } else {
                    throw ts.typeError("character mapping must return integer, None or str")
                }
            }
            return ts.newString(String(out))
        },
    ]

    /// `str.maketrans(x[, y[, z]])`: the table `str.translate` takes, a dict from code points to code points,
    /// strings or None.
    static let makeTrans = Builtin("maketrans") { ts, a throws(PyError) in
        try a.expect(1...3, ts)
        let d = PyDict(id: ts.runtime.heap.newID(), owner: ts.ownerForNew)
        let table = ts.allocate(d)
        do throws(PyError) {
            if a.count == 1 {
                guard a[0].isObject, a[0].objectKind == .dict else {
                    throw ts.typeError("if you give only one argument to maketrans it must be a dict")
                }
                let entries = unsafeDowncast(a[0].object, to: PyDict.self).storage.withLock { $0.entries.compactMap { $0 } }
                for e in entries {
                    if let k = ts.string(e.key) {
                        let ks = Array(k.unicodeScalars)
                        guard ks.count == 1 else { throw ts.valueError("string keys in translate table must be of length 1") }
                        try ts.dictSet(d, .int(Int(ks[0].value)), e.value)
                    } else if ts.asInt(e.key) != nil {
                        try ts.dictSet(d, e.key, e.value)
                    } else {
                        throw ts.typeError("keys in translate table must be strings or integers")
                    }
                }
                return table
            }
            guard let x = ts.string(a[0]), let y = ts.string(a[1]) else {
                throw ts.typeError("maketrans() argument must be str, not \(ts.typeName(ts.string(a[0]) == nil ? a[0] : a[1]))")
            }
            let xs = Array(x.unicodeScalars), ys = Array(y.unicodeScalars)
            guard xs.count == ys.count else { throw ts.valueError("the first two maketrans arguments must have equal length") }
            for (p, q) in zip(xs, ys) { try ts.dictSet(d, .int(Int(p.value)), .int(Int(q.value))) }
            if a.count == 3 {
                guard let z = ts.string(a[2]) else { throw ts.typeError("maketrans() argument 3 must be str, not \(ts.typeName(a[2]))") }
                for c in z.unicodeScalars { try ts.dictSet(d, .int(Int(c.value)), .none) }
            }
        } catch {
            ts.decref(table)
            throw error
        }
        return table
    }
}
