import LabCore
import BigInt

/// Truth values, `str`, `repr` and format specs of snippet values.
extension PyThreadState {
    package func truthy(_ v: PyValue) throws(PyError) -> Bool {
        if v == .true { return true }
        if v == .false || v == .none { return false }
        if v.isInt { return v.intValue != 0 }
        if v.isBuiltin { return true }
        let o = v.object
        try check(o)
        switch o.kind {
        case .str: return !unsafeDowncast(o, to: PyStr.self).value.isEmpty
        case .bytes: return !unsafeDowncast(o, to: PyBytes.self).value.isEmpty
        case .list: return unsafeDowncast(o, to: PyList.self).items.withLock { !$0.isEmpty }
        case .tuple: return !unsafeDowncast(o, to: PyTuple.self).items.isEmpty
        case .dict: return unsafeDowncast(o, to: PyDict.self).storage.withLock { $0.count > 0 }
        case .range: return unsafeDowncast(o, to: PyRange.self).count > 0
        case .set: return !unsafeDowncast(o, to: PySet.self).members.isEmpty
        case .float: return unsafeDowncast(o, to: PyFloat.self).value != 0
        case .instance:
            let inst = unsafeDowncast(o, to: PyInstance.self)
            if let method = inst.cls.lookup(runtime.names.boolID) {
                let r = try call(method, [v])
                defer { decref(r) }
                return r == .true
            }
            if let method = inst.cls.lookup(runtime.names.lenID) {
                let r = try call(method, [v])
                defer { decref(r) }
                return (asInt(r) ?? 0) != 0
            }
            return true
        default: return true
        }
    }

    package func str(_ v: PyValue) throws(PyError) -> String {
        if let s = string(v) { return s }
        if v.isObject, v.object.kind == .instance {
            let inst = unsafeDowncast(v.object, to: PyInstance.self)
            if let method = inst.cls.lookup(runtime.names.strID) {
                let r = try call(method, [v])
                defer { decref(r) }
                guard let s = string(r) else { throw typeError("__str__ returned non-string (type \(typeName(r)))") }
                return s
            }
            if inst.cls.isSubclass(of: runtime.classes.baseException) { return try exceptionMessage(inst) }
        }
        return try repr(v)
    }

    /// `<class '__main__.C'>`: a class statement's module and qualified name (which its body stored); a built-in
    /// class's bare name; a class renamed by the program (`namedtuple`'s) is the main program's, under its new name.
    func classRepr(_ cls: PyClass) -> String {
        guard !cls.immortal else { return "<class '\(cls.name)'>" }
        let (module, qualname) = cls.attributes.withLock { a in
            (a[runtime.intern("__module__")].flatMap { string($0) }, a[runtime.intern("__qualname__")].flatMap { string($0) })
        }
        guard let module, let qualname, cls.renamed.withLock({ $0 }) == nil else { return "<class '__main__.\(cls.name)'>" }
        return "<class '\(module).\(qualname)'>"
    }

    package static func quote(_ s: String) -> String {
        (try? quote(s, check: {})) ?? ""
    }

    /// The string in quotes, as repr writes it: backslash, newline, tab, carriage return and the quote escaped,
    /// byte by byte (they are all ASCII). `check` runs after each 256 KiB: a 100 MB string stays cancellable.
    package static func quote(_ s: String, check: () throws(PyError) -> Void) throws(PyError) -> String {
        var caught: PyError?
        let quoted = s.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            let n = bytes.count
            let piece = 1 << 18
            // First pass: which quote, and how many bytes need a backslash.
            var single = 0, double = 0, others = 0
            var unusual = false
            var i = 0
            while i < n {
                let b = bytes[i]
                if b <= 39 || b == 92 {
                    if b == 39 { single += 1 } else if b == 34 { double += 1 } else if b == 92 || b == 10 || b == 9 || b == 13 { others += 1 }
                    else if b < 32 { unusual = true }
                } else if b >= 127 {
                    unusual = true
                }
                i += 1
                if i & (piece - 1) == 0 {
                    do throws(PyError) { try check() } catch { caught = error; return nil }
                }
            }
            // Single quotes unless the text holds one and no double quote, as CPython does.
            let q: UInt8 = single > 0 && double == 0 ? 34 : 39
            if unusual { return Self.quoteScalars(s, quote: q == 39 ? "'" : "\"") }
            let escapes = others + (q == 39 ? single : double)
            let quoteText = q == 39 ? "'" : "\""
            if escapes == 0 { return quoteText + s + quoteText }
            return String(unsafeUninitializedCapacity: n + escapes + 2) { out in
                var j = 0
                out[j] = q
                j += 1
                for k in 0..<n {
                    let b = bytes[k]
                    var escaped: UInt8 = 0
                    switch b {
                    case 92: escaped = 92
                    case 10: escaped = 110
                    case 9: escaped = 116
                    case 13: escaped = 114
                    case q: escaped = q
                    default: break
                    }
                    if escaped != 0 {
                        out[j] = 92
                        out[j + 1] = escaped
                        j += 2
                    } else {
                        out[j] = b
                        j += 1
                    }
                }
                out[j] = q
                return j + 1
            }
        }
        if let caught { throw caught }
        guard let quoted, let text = quoted else {
            var contiguous = s
            contiguous.makeContiguousUTF8()
            return try quote(contiguous, check: check)
        }
        return text
    }

    /// `quote` for a string with control characters or anything past ASCII: scalar by scalar, the ones CPython does not
    /// count as printable (controls, format characters, separators other than the space, surrogates, private use,
    /// unassigned) written as `\\xhh`, `\\uhhhh` or `\\Uhhhhhhhh`.
    static func quoteScalars(_ s: String, quote: Unicode.Scalar) -> String {
        var out = String.UnicodeScalarView()
        out.append(quote)
        func hex(_ value: UInt32, digits: Int) {
            let text = String(value, radix: 16)
            out.append(contentsOf: String(repeating: "0", count: max(0, digits - text.count)).unicodeScalars)
            out.append(contentsOf: text.unicodeScalars)
        }
        for c in s.unicodeScalars {
            switch c {
            case "\\": out.append(contentsOf: "\\\\".unicodeScalars)
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\t": out.append(contentsOf: "\\t".unicodeScalars)
            case "\r": out.append(contentsOf: "\\r".unicodeScalars)
            case quote: out.append("\\"); out.append(c)
            default:
                let printable: Bool
                if c.value < 32 || c.value == 127 { printable = false }
                else if c.value < 127 { printable = true }
                else {
                    switch c.properties.generalCategory {
                    case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator: printable = false
                    case .spaceSeparator: printable = false
                    default: printable = true
                    }
                }
                if printable { out.append(c) }
                else if c.value < 0x100 { out.append(contentsOf: "\\x".unicodeScalars); hex(c.value, digits: 2) }
                else if c.value < 0x10000 { out.append(contentsOf: "\\u".unicodeScalars); hex(c.value, digits: 4) }
                else { out.append(contentsOf: "\\U".unicodeScalars); hex(c.value, digits: 8) }
            }
        }
        out.append(quote)
        return String(out)
    }

    package func repr(_ v: PyValue, depth: Int = 0) throws(PyError) -> String {
        if v.isInt { return String(v.intValue) }
        if v == .true { return "True" }
        if v == .false { return "False" }
        if v == .none { return "None" }
        if v.isBuiltin {
            let name = Builtins.table[v.builtinIndex].name
            return Builtins.typeNames.contains(name) ? "<class '\(name)'>" : "<built-in function \(name)>"
        }
        if depth > 20 { return "..." }
        let o = v.object
        if o.isFreed { return "<freed \(o.typeName) #\(o.id)>" }
        switch o.kind {
        case .str: return try Self.quote(unsafeDowncast(o, to: PyStr.self).value, check: periodicCheck)
        case .bytes: return PyBytes.repr(unsafeDowncast(o, to: PyBytes.self).value)
        case .list:
            let items = unsafeDowncast(o, to: PyList.self).items.withLock { $0 }
            return "[" + (try items.pyMap { (x: PyValue) throws(PyError) in try repr(x, depth: depth + 1) }).joined(separator: ", ") + "]"
        case .tuple:
            let items = unsafeDowncast(o, to: PyTuple.self).items
            let inner = (try items.pyMap { (x: PyValue) throws(PyError) in try repr(x, depth: depth + 1) }).joined(separator: ", ")
            return "(" + inner + (items.count == 1 ? ",)" : ")")
        case .dict:
            let entries = unsafeDowncast(o, to: PyDict.self).storage.withLock { $0.entries.compactMap { $0 } }
            var parts: [String] = []
            for e in entries { parts.append(try repr(e.key, depth: depth + 1) + ": " + repr(e.value, depth: depth + 1)) }
            return "{" + parts.joined(separator: ", ") + "}"
        case .function: return "<function \(unsafeDowncast(o, to: PyFunction.self).name)>"
        case .cls: return classRepr(unsafeDowncast(o, to: PyClass.self))
        case .instance:
            let inst = unsafeDowncast(o, to: PyInstance.self)
            if let method = inst.cls.lookup(runtime.names.reprID) {
                let r = try call(method, [v])
                defer { decref(r) }
                guard let s = string(r) else { throw typeError("__repr__ returned non-string") }
                return s
            }
            if inst.cls.isSubclass(of: runtime.classes.baseException) { return try exceptionRepr(inst, depth: depth) }
            return "<\(inst.cls.name) object #\(o.id)>"
        case .method: return "<bound method #\(o.id)>"
        case .builtinMethod: return "<built-in method \(Builtins.table[unsafeDowncast(o, to: PyBuiltinMethod.self).builtin].name)>"
        case .generator: return "<generator object \(unsafeDowncast(o, to: PyGenerator.self).name) #\(o.id)>"
        case .range:
            let r = unsafeDowncast(o, to: PyRange.self)
            return r.step == 1 ? "range(\(r.start), \(r.stop))" : "range(\(r.start), \(r.stop), \(r.step))"
        case .rangeIterator: return "<range_iterator #\(o.id)>"
        case .seqIterator: return "<iterator #\(o.id)>"
        case .lock: return "<\(unsafeDowncast(o, to: PyLock.self).isLocked ? "locked" : "unlocked") Lock #\(o.id)>"
        case .slice:
            let s = unsafeDowncast(o, to: PySlice.self)
            func t(_ x: Int?) -> String { x.map(String.init) ?? "None" }
            return "slice(\(t(s.start)), \(t(s.stop)), \(t(s.step)))"
        case .code:
            let c = unsafeDowncast(o, to: PyCode.self).code
            return "<code object \(c.name), line \(c.firstLine)>"
        case .cell, .superProxy, .set, .lazyIterator, .dictView, .descriptor:
            return try collectionRepr(o, depth: depth)
        case .module: return "<module '\(unsafeDowncast(o, to: PyModule.self).name)' (built-in)>"
        case .native: return "<built-in function \(unsafeDowncast(o, to: PyNative.self).builtin.name)>"
        case .float: return PyFormat.floatRepr(unsafeDowncast(o, to: PyFloat.self).value)
        case .bigint: return String(unsafeDowncast(o, to: PyBigInt.self).value)
        }
    }

    /// `format(v, spec)`: f-strings, `str.format` and `format()` (the whole mini-language for ints, floats and
    /// strings; a spec on another type is CPython's TypeError).
    package func format(_ v: PyValue, repr useRepr: Bool, spec: String?) throws(PyError) -> String {
        if useRepr { return try formatText(try repr(v), spec ?? "") }
        guard let spec, !spec.isEmpty else { return try str(v) }
        let parsed: FormatSpec
        do throws(FormatSpec.Failure) { parsed = try FormatSpec(spec) } catch { throw valueError(error.message) }
        do throws(FormatSpec.Failure) {
            if v.isBool && parsed.type == nil { return try PyFormat.format(v == .true ? "True" : "False", parsed) }
            switch number(v) {
            case .small(let i): return try PyFormat.format(BigInt(i), parsed)
            case .big(let b): return try PyFormat.format(b, parsed)
            case .float(let x): return try PyFormat.format(x, parsed)
            case nil: break
            }
            if let s = string(v) { return try PyFormat.format(s, parsed) }
        } catch {
            throw valueError(error.message)
        }
        throw typeError("unsupported format string passed to \(typeName(v)).__format__")
    }

    /// A string formatted by `spec` (after `!r` or `!s`).
    private func formatText(_ text: String, _ spec: String) throws(PyError) -> String {
        if spec.isEmpty { return text }
        do throws(FormatSpec.Failure) { return try PyFormat.format(text, try FormatSpec(spec)) } catch { throw valueError(error.message) }
    }
}
