import LabOS
import Synchronization
import LabCore

/// Interned names the interpreter looks up itself (dunder methods and a few attributes).
package struct PyNames: Sendable {
    package let initID: Int, iterID: Int, nextID: Int, enterID: Int, exitID: Int, strID: Int, reprID: Int, lenID: Int
    package let eqID: Int, nameID: Int, argsID: Int, classID: Int, boolID: Int, acquireID: Int, releaseID: Int

    package init(intern: (String) -> Int) {
        initID = intern("__init__")
        iterID = intern("__iter__")
        nextID = intern("__next__")
        enterID = intern("__enter__")
        exitID = intern("__exit__")
        strID = intern("__str__")
        reprID = intern("__repr__")
        lenID = intern("__len__")
        eqID = intern("__eq__")
        nameID = intern("__name__")
        argsID = intern("args")
        classID = intern("__class__")
        boolID = intern("__bool__")
        acquireID = intern("acquire")
        releaseID = intern("release")
    }
}

extension PyClass {
    /// Built-in classes (the exception hierarchy) are immortal all the way up.
    package var isImmortalChain: Bool { immortal }
}

/// What the operators, attribute access, iteration and conversions do for each kind of value.
extension PyThreadState {
    package func typeName(_ v: PyValue) -> String {
        if v.isInt { return "int" }
        if v.isBool { return "bool" }
        if v == .none { return "NoneType" }
        if v.isBuiltin { return "builtin_function_or_method" }
        if v.isObject { return v.object.typeName }
        return "object"
    }

    @inline(__always) package func asInt(_ v: PyValue) -> Int? {
        if v.isInt { return v.intValue }
        if v == .true { return 1 }
        if v == .false { return 0 }
        return nil
    }

    package func string(_ v: PyValue) -> String? {
        guard v.isObject, v.object.kind == .str else { return nil }
        return unsafeDowncast(v.object, to: PyStr.self).value
    }

    package func int(_ value: Int) throws(PyError) -> PyValue {
        guard let v = PyValue.checkedInt(value) else { throw overflow() }
        return v
    }

    package func overflow() -> PyError {
        error(runtime.classes.overflowError, "integer overflow: conclab's integers are 63-bit (\(PyValue.minInt) to \(PyValue.maxInt))")
    }

    // MARK: truth, str, repr

    package func truthy(_ v: PyValue) throws(PyError) -> Bool {
        if v == .true { return true }
        if v == .false || v == .none { return false }
        if v.isInt { return v.intValue != 0 }
        if v.isBuiltin { return true }
        let o = v.object
        try check(o)
        switch o.kind {
        case .str: return !unsafeDowncast(o, to: PyStr.self).value.isEmpty
        case .list: return unsafeDowncast(o, to: PyList.self).items.withLock { !$0.isEmpty }
        case .tuple: return !unsafeDowncast(o, to: PyTuple.self).items.isEmpty
        case .dict: return unsafeDowncast(o, to: PyDict.self).storage.withLock { $0.count > 0 }
        case .range: return unsafeDowncast(o, to: PyRange.self).count > 0
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

    package func exceptionMessage(_ inst: PyInstance) throws(PyError) -> String {
        switch inst.arguments.count {
        case 0: return ""
        case 1: return try str(inst.arguments[0])
        default: return "(" + (try inst.arguments.pyMap { (a: PyValue) throws(PyError) in try repr(a) }).joined(separator: ", ") + ")"
        }
    }

    package static func quote(_ s: String) -> String {
        let useDouble = s.contains("'") && !s.contains("\"")
        let q: Character = useDouble ? "\"" : "'"
        var out = String(q)
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if c == q { out += "\\" + String(q) } else { out.append(c) }
            }
        }
        out.append(q)
        return out
    }

    package func repr(_ v: PyValue, depth: Int = 0) throws(PyError) -> String {
        if v.isInt { return String(v.intValue) }
        if v == .true { return "True" }
        if v == .false { return "False" }
        if v == .none { return "None" }
        if v.isBuiltin { return "<built-in function \(Builtins.table[v.builtinIndex].name)>" }
        if depth > 20 { return "..." }
        let o = v.object
        if o.isFreed { return "<freed \(o.typeName) #\(o.id)>" }
        switch o.kind {
        case .str: return Self.quote(unsafeDowncast(o, to: PyStr.self).value)
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
        case .cls: return "<class '\(unsafeDowncast(o, to: PyClass.self).name)'>"
        case .instance:
            let inst = unsafeDowncast(o, to: PyInstance.self)
            if let method = inst.cls.lookup(runtime.names.reprID) {
                let r = try call(method, [v])
                defer { decref(r) }
                guard let s = string(r) else { throw typeError("__repr__ returned non-string") }
                return s
            }
            if inst.cls.isSubclass(of: runtime.classes.baseException) {
                let args = (try inst.arguments.pyMap { (a: PyValue) throws(PyError) in try repr(a, depth: depth + 1) }).joined(separator: ", ")
                return "\(inst.cls.name)(\(args))"
            }
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
        }
    }

    /// f-string formatting: `{x}`, `{x!r}`, `{x:>8}`, `{x:,}`, `{x:05d}`, `{x:x}`.
    package func format(_ v: PyValue, repr useRepr: Bool, spec: String?) throws(PyError) -> String {
        var text = useRepr ? try repr(v) : try str(v)
        guard let spec, !spec.isEmpty else { return text }
        var chars = Array(spec)
        var fill: Character = " "
        var align: Character?
        if chars.count >= 2, "<>^".contains(chars[1]) { fill = chars[0]; align = chars[1]; chars.removeFirst(2) }
        else if let f = chars.first, "<>^".contains(f) { align = f; chars.removeFirst() }
        var zero = false
        if chars.first == "0" { zero = true; chars.removeFirst() }
        var width = 0
        while let c = chars.first, let d = c.wholeNumberValue { width = width * 10 + d; chars.removeFirst() }
        var comma = false
        if chars.first == "," || chars.first == "_" { comma = true; chars.removeFirst() }
        let type = chars.first
        if let n = asInt(v), !useRepr {
            switch type {
            case "x": text = String(n, radix: 16)
            case "X": text = String(n, radix: 16).uppercased()
            case "b": text = String(n, radix: 2)
            case "o": text = String(n, radix: 8)
            case "d", nil: text = String(n)
            default: throw valueError("Unknown format code '\(type.map(String.init) ?? "")' for object of type 'int'")
            }
            if comma {
                let negative = text.hasPrefix("-")
                var digits = Array(negative ? String(text.dropFirst()) : text)
                var grouped = ""
                while digits.count > 3 {
                    grouped = "," + String(digits.suffix(3)) + grouped
                    digits.removeLast(3)
                }
                text = (negative ? "-" : "") + String(digits) + grouped
            }
            if zero && align == nil && text.count < width {
                let negative = text.hasPrefix("-")
                let body = negative ? String(text.dropFirst()) : text
                text = (negative ? "-" : "") + String(repeating: "0", count: width - text.count) + body
            }
            if align == nil { align = ">" }
        } else if type != nil && type != "s" {
            throw valueError("Unknown format code '\(type.map(String.init) ?? "")' for object of type '\(typeName(v))'")
        }
        let pad = max(0, width - text.count)
        guard pad > 0 else { return text }
        switch align ?? "<" {
        case ">": return String(repeating: fill, count: pad) + text
        case "^": return String(repeating: fill, count: pad / 2) + text + String(repeating: fill, count: pad - pad / 2)
        default: return text + String(repeating: fill, count: pad)
        }
    }

    // MARK: arithmetic

    package static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q
    }

    package static func floorMod(_ a: Int, _ b: Int) -> Int {
        let r = a % b
        return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r
    }

    package func binary(_ op: Op, _ a: PyValue, _ b: PyValue) throws(PyError) -> PyValue {
        if let x = asInt(a), let y = asInt(b) { return try integerOp(op, x, y) }
        let symbol = Self.symbol(op)
        if a.isObject && b.isObject {
            try check(a.object)
            try check(b.object)
            let oa = a.object, ob = b.object
            switch (oa.kind, ob.kind) {
            case (.str, .str) where op == .binaryAdd || op == .inplaceAdd:
                return newString(unsafeDowncast(oa, to: PyStr.self).value + unsafeDowncast(ob, to: PyStr.self).value)
            case (.list, .list) where op == .inplaceAdd:
                let extra = unsafeDowncast(ob, to: PyList.self).items.withLock { $0 }
                for v in extra { incref(v) }
                unsafeDowncast(oa, to: PyList.self).items.withLock { $0 += extra }
                incref(a)
                return a
            case (.list, .list) where op == .binaryAdd:
                let items = unsafeDowncast(oa, to: PyList.self).items.withLock { $0 } + unsafeDowncast(ob, to: PyList.self).items.withLock { $0 }
                for v in items { incref(v) }
                return newList(items)
            case (.tuple, .tuple) where op == .binaryAdd || op == .inplaceAdd:
                let items = unsafeDowncast(oa, to: PyTuple.self).items + unsafeDowncast(ob, to: PyTuple.self).items
                for v in items { incref(v) }
                return newTuple(items)
            default: break
            }
        }
        if op == .binaryMul || op == .inplaceMul {
            let (seq, n) = asInt(a) != nil ? (b, asInt(a) ?? 0) : (a, asInt(b) ?? 0)
            if seq.isObject && (asInt(a) != nil || asInt(b) != nil) {
                try check(seq.object)
                let count = max(0, n)
                switch seq.object.kind {
                case .str:
                    let s = unsafeDowncast(seq.object, to: PyStr.self).value
                    guard s.utf8.count * count <= 1 << 28 else { throw error(runtime.classes.memoryError, "string too large") }
                    return newString(String(repeating: s, count: count))
                case .list:
                    let items = unsafeDowncast(seq.object, to: PyList.self).items.withLock { $0 }
                    guard items.count * count <= 1 << 26 else { throw error(runtime.classes.memoryError, "list too large") }
                    var result: [PyValue] = []
                    result.reserveCapacity(items.count * count)
                    for _ in 0..<count { for v in items { incref(v); result.append(v) } }
                    return newList(result)
                default: break
                }
            }
        }
        if (op == .binaryTrueDiv || op == .inplaceTrueDiv) && asInt(a) != nil && asInt(b) != nil {
            throw typeError("conclab has no floats: use // for integer division")
        }
        if op == .binaryMod && string(a) != nil {
            throw typeError("%-formatting of strings is not supported; use an f-string")
        }
        throw typeError("unsupported operand type(s) for \(symbol): '\(typeName(a))' and '\(typeName(b))'")
    }

    package static func symbol(_ op: Op) -> String {
        switch op {
        case .binaryAdd: return "+"
        case .inplaceAdd: return "+="
        case .binarySub: return "-"
        case .inplaceSub: return "-="
        case .binaryMul: return "*"
        case .inplaceMul: return "*="
        case .binaryFloorDiv: return "//"
        case .inplaceFloorDiv: return "//="
        case .binaryMod: return "%"
        case .inplaceMod: return "%="
        case .binaryPow: return "** or pow()"
        case .inplacePow: return "**="
        case .binaryTrueDiv: return "/"
        case .inplaceTrueDiv: return "/="
        case .binaryAnd: return "&"
        case .inplaceAnd: return "&="
        case .binaryOr: return "|"
        case .inplaceOr: return "|="
        case .binaryXor: return "^"
        case .inplaceXor: return "^="
        case .binaryLShift: return "<<"
        case .inplaceLShift: return "<<="
        case .binaryRShift: return ">>"
        case .inplaceRShift: return ">>="
        case .compareLT: return "<"
        case .compareLE: return "<="
        case .compareGT: return ">"
        case .compareGE: return ">="
        case .compareEQ: return "=="
        case .compareNE: return "!="
        default: return op.name
        }
    }

    package func integerOp(_ op: Op, _ x: Int, _ y: Int) throws(PyError) -> PyValue {
        switch op {
        case .binaryAdd, .inplaceAdd:
            let (r, o) = x.addingReportingOverflow(y)
            if o { throw overflow() }
            return try int(r)
        case .binarySub, .inplaceSub:
            let (r, o) = x.subtractingReportingOverflow(y)
            if o { throw overflow() }
            return try int(r)
        case .binaryMul, .inplaceMul:
            let (r, o) = x.multipliedReportingOverflow(by: y)
            if o { throw overflow() }
            return try int(r)
        case .binaryFloorDiv, .inplaceFloorDiv:
            if y == 0 { throw error(runtime.classes.zeroDivisionError, "integer division or modulo by zero") }
            if x == Int.min && y == -1 { throw overflow() }
            return try int(Self.floorDiv(x, y))
        case .binaryMod, .inplaceMod:
            if y == 0 { throw error(runtime.classes.zeroDivisionError, "integer division or modulo by zero") }
            if y == -1 { return .int(0) }
            return try int(Self.floorMod(x, y))
        case .binaryPow, .inplacePow:
            if y < 0 { throw valueError("negative exponents give floats, which conclab does not have") }
            var result = 1
            var base = x
            var e = y
            while e > 0 {
                if e & 1 != 0 {
                    let (r, o) = result.multipliedReportingOverflow(by: base)
                    if o { throw overflow() }
                    result = r
                }
                e >>= 1
                if e > 0 {
                    let (b, o) = base.multipliedReportingOverflow(by: base)
                    if o { throw overflow() }
                    base = b
                }
            }
            return try int(result)
        case .binaryTrueDiv, .inplaceTrueDiv:
            throw typeError("conclab has no floats: use // for integer division")
        case .binaryAnd, .inplaceAnd: return .int(x & y)
        case .binaryOr, .inplaceOr: return .int(x | y)
        case .binaryXor, .inplaceXor: return .int(x ^ y)
        case .binaryLShift, .inplaceLShift:
            if y < 0 { throw valueError("negative shift count") }
            if y >= 63 { if x == 0 { return .int(0) }; throw overflow() }
            let r = x << y
            if r >> y != x { throw overflow() }
            return try int(r)
        case .binaryRShift, .inplaceRShift:
            if y < 0 { throw valueError("negative shift count") }
            return .int(x >> min(y, 63))
        default:
            throw typeError("unsupported integer operation \(op.name)")
        }
    }

    package func unary(_ op: Op, _ v: PyValue) throws(PyError) -> PyValue {
        if op == .unaryNot { return try truthy(v) ? .false : .true }
        guard let x = asInt(v) else {
            let symbol = op == .unaryNegative ? "-" : op == .unaryPositive ? "+" : "~"
            throw typeError("bad operand type for unary \(symbol): '\(typeName(v))'")
        }
        switch op {
        case .unaryNegative:
            if x == PyValue.minInt { throw overflow() }
            return .int(-x)
        case .unaryPositive: return .int(x)
        default: return .int(~x)
        }
    }

    // MARK: comparison

    package func equals(_ a: PyValue, _ b: PyValue, depth: Int = 0) throws(PyError) -> Bool {
        if a == b { return !(a.isObject && a.object.isFreed && false) }
        if let x = asInt(a), let y = asInt(b) { return x == y }
        guard a.isObject, b.isObject else {
            if a.isObject, a.object.kind == .instance { return try instanceEquals(a, b) }
            if b.isObject, b.object.kind == .instance { return try instanceEquals(b, a) }
            return false
        }
        let oa = a.object, ob = b.object
        try check(oa)
        try check(ob)
        if depth > 50 { throw error(runtime.classes.recursionError, "maximum recursion depth exceeded in comparison") }
        switch (oa.kind, ob.kind) {
        case (.str, .str): return unsafeDowncast(oa, to: PyStr.self).value == unsafeDowncast(ob, to: PyStr.self).value
        case (.list, .list), (.tuple, .tuple):
            let x = sequenceItems(oa), y = sequenceItems(ob)
            guard x.count == y.count else { return false }
            for (p, q) in zip(x, y) where try !equals(p, q, depth: depth + 1) { return false }
            return true
        case (.range, .range):
            let x = unsafeDowncast(oa, to: PyRange.self), y = unsafeDowncast(ob, to: PyRange.self)
            return x.start == y.start && x.stop == y.stop && x.step == y.step
        case (.dict, .dict):
            let x = unsafeDowncast(oa, to: PyDict.self).storage.withLock { $0.entries.compactMap { $0 } }
            let ys = unsafeDowncast(ob, to: PyDict.self).storage.withLock { $0 }
            guard x.count == ys.count else { return false }
            for e in x {
                guard let i = ys.keys[try dictKey(e.key)], let other = ys.entries[i] else { return false }
                if try !equals(e.value, other.value, depth: depth + 1) { return false }
            }
            return true
        case (.instance, _): return try instanceEquals(a, b)
        case (_, .instance): return try instanceEquals(b, a)
        default: return false
        }
    }

    package func instanceEquals(_ a: PyValue, _ b: PyValue) throws(PyError) -> Bool {
        let inst = unsafeDowncast(a.object, to: PyInstance.self)
        if let method = inst.cls.lookup(runtime.names.eqID) {
            let r = try call(method, [a, b])
            defer { decref(r) }
            return try truthy(r)
        }
        return a == b
    }

    package func sequenceItems(_ o: PyObject) -> [PyValue] {
        switch o.kind {
        case .list: return unsafeDowncast(o, to: PyList.self).items.withLock { $0 }
        case .tuple: return unsafeDowncast(o, to: PyTuple.self).items
        default: return []
        }
    }

    /// -1, 0, 1 for the ordered kinds (ints, strings, lists, tuples).
    package func order(_ a: PyValue, _ b: PyValue, _ op: Op) throws(PyError) -> Int {
        if let x = asInt(a), let y = asInt(b) { return x < y ? -1 : x == y ? 0 : 1 }
        if let x = string(a), let y = string(b) { return x < y ? -1 : x == y ? 0 : 1 }
        if a.isObject, b.isObject, a.object.kind == b.object.kind, a.object.kind == .list || a.object.kind == .tuple {
            let x = sequenceItems(a.object), y = sequenceItems(b.object)
            for (p, q) in zip(x, y) {
                if try equals(p, q) { continue }
                return try order(p, q, op)
            }
            return x.count < y.count ? -1 : x.count == y.count ? 0 : 1
        }
        throw typeError("'\(Self.symbol(op))' not supported between instances of '\(typeName(a))' and '\(typeName(b))'")
    }

    package func compare(_ op: Op, _ a: PyValue, _ b: PyValue) throws(PyError) -> PyValue {
        let c = try order(a, b, op)
        switch op {
        case .compareLT: return .bool(c < 0)
        case .compareLE: return .bool(c <= 0)
        case .compareGT: return .bool(c > 0)
        default: return .bool(c >= 0)
        }
    }

    package func contains(_ container: PyValue, _ item: PyValue) throws(PyError) -> Bool {
        guard container.isObject else { throw typeError("argument of type '\(typeName(container))' is not iterable") }
        let o = container.object
        try check(o)
        switch o.kind {
        case .str:
            guard let needle = string(item) else { throw typeError("'in <string>' requires string as left operand, not \(typeName(item))") }
            let hay = unsafeDowncast(o, to: PyStr.self).value
            return needle.isEmpty || hay.pyContains(needle)
        case .list, .tuple:
            for v in sequenceItems(o) where try equals(v, item) { return true }
            return false
        case .dict:
            let key = try dictKey(item)
            return unsafeDowncast(o, to: PyDict.self).storage.withLock { $0.keys[key] != nil }
        case .range:
            let r = unsafeDowncast(o, to: PyRange.self)
            guard let x = asInt(item) else { return false }
            if r.step > 0 { return x >= r.start && x < r.stop && (x - r.start) % r.step == 0 }
            return x <= r.start && x > r.stop && (r.start - x) % (-r.step) == 0
        default:
            let it = try iterate(container)
            defer { decref(it) }
            while let v = try iterNext(it) {
                let same = try equals(v, item)
                decref(v)
                if same { return true }
            }
            return false
        }
    }

    // MARK: dicts

    package func dictKey(_ v: PyValue) throws(PyError) -> PyKey {
        if v.isInt { return .int(v.intValue) }
        if v == .true { return .int(1) }
        if v == .false { return .int(0) }
        if v == .none { return .none }
        if let s = string(v) { return .str(s) }
        if v.isObject, v.object.kind == .tuple {
            return .tuple(try unsafeDowncast(v.object, to: PyTuple.self).items.pyMap { (x: PyValue) throws(PyError) in try dictKey(x) })
        }
        throw typeError("unhashable type: '\(typeName(v))'")
    }

    package func buildDict(_ start: UnsafeMutablePointer<PyValue>, pairs: Int) throws(PyError) -> PyValue {
        let d = PyDict(id: runtime.heap.newID(), owner: ownerForNew)
        for i in 0..<pairs {
            let k = start[2 * i], v = start[2 * i + 1]
            try dictSet(d, k, v)
        }
        return allocate(d)
    }

    /// `d[k] = v` with borrowed `k` and `v`.
    package func dictSet(_ d: PyDict, _ k: PyValue, _ v: PyValue) throws(PyError) {
        let key = try dictKey(k)
        incref(v)
        let old: PyValue? = d.storage.withLock { s in
            if let i = s.keys[key], let entry = s.entries[i] {
                s.entries[i] = (entry.key, v)
                return entry.value
            }
            s.entries.append((k, v))
            s.keys[key] = s.entries.count - 1
            return nil
        }
        if let old { decref(old) } else { incref(k) }
    }

    package func dictGet(_ d: PyDict, _ k: PyValue) throws(PyError) -> PyValue? {
        let key = try dictKey(k)
        return d.storage.withLock { s -> PyValue? in
            guard let i = s.keys[key], let entry = s.entries[i] else { return nil }
            incref(entry.value)
            return entry.value
        }
    }

    // MARK: iteration

    package func iterate(_ v: PyValue) throws(PyError) -> PyValue {
        guard v.isObject else { throw typeError("'\(typeName(v))' object is not iterable") }
        let o = v.object
        try check(o)
        switch o.kind {
        case .list, .tuple:
            incref(v)
            return allocate(PySeqIterator(sequence: v, id: runtime.heap.newID(), owner: ownerForNew))
        case .str:
            let chars = unsafeDowncast(o, to: PyStr.self).value.map { newString(String($0)) }
            return allocate(PySeqIterator(sequence: newTuple(chars), id: runtime.heap.newID(), owner: ownerForNew))
        case .dict:
            let keys = unsafeDowncast(o, to: PyDict.self).storage.withLock { $0.entries.compactMap { $0?.key } }
            for k in keys { incref(k) }
            return allocate(PySeqIterator(sequence: newTuple(keys), id: runtime.heap.newID(), owner: ownerForNew))
        case .range:
            let r = unsafeDowncast(o, to: PyRange.self)
            return allocate(PyRangeIterator(start: r.start, stop: r.stop, step: r.step, id: runtime.heap.newID(), owner: ownerForNew))
        case .generator, .rangeIterator, .seqIterator:
            incref(v)
            return v
        case .instance:
            let inst = unsafeDowncast(o, to: PyInstance.self)
            guard let method = inst.cls.lookup(runtime.names.iterID) else {
                throw typeError("'\(inst.cls.name)' object is not iterable")
            }
            return try call(method, [v])
        default:
            throw typeError("'\(o.typeName)' object is not iterable")
        }
    }

    /// The next value (owned), or nil at the end (StopIteration).
    package func iterNext(_ it: PyValue) throws(PyError) -> PyValue? {
        guard it.isObject else { throw typeError("'\(typeName(it))' object is not an iterator") }
        let o = it.object
        try check(o)
        switch o.kind {
        case .rangeIterator:
            let r = unsafeDowncast(o, to: PyRangeIterator.self)
            let n = r.next.load(ordering: .relaxed)
            guard r.step > 0 ? n < r.stop : n > r.stop else { return nil }
            r.next.store(n &+ r.step, ordering: .relaxed)
            return .int(n)
        case .seqIterator:
            let s = unsafeDowncast(o, to: PySeqIterator.self)
            let seq = s.sequence.object
            try check(seq)
            let i = s.index.load(ordering: .relaxed)
            let item: PyValue?
            switch seq.kind {
            case .list: item = unsafeDowncast(seq, to: PyList.self).items.withLock { i < $0.count ? $0[i] : nil }
            case .tuple:
                let items = unsafeDowncast(seq, to: PyTuple.self).items
                item = i < items.count ? items[i] : nil
            default: item = nil
            }
            guard let item else { return nil }
            s.index.store(i + 1, ordering: .relaxed)
            incref(item)
            return item
        case .generator:
            return try resume(unsafeDowncast(o, to: PyGenerator.self))
        case .instance:
            let inst = unsafeDowncast(o, to: PyInstance.self)
            guard let method = inst.cls.lookup(runtime.names.nextID) else {
                throw typeError("'\(inst.cls.name)' object is not an iterator")
            }
            do throws(PyError) {
                return try call(method, [it])
            } catch {
                if error.type.isSubclass(of: runtime.classes.stopIteration) {
                    var e = error
                    releaseInstance(&e)
                    return nil
                }
                throw error
            }
        default:
            throw typeError("'\(o.typeName)' object is not an iterator")
        }
    }

    /// Every value of an iterable (owned references).
    package func collect(_ iterable: PyValue, limit: Int = 1 << 26) throws(PyError) -> [PyValue] {
        if iterable.isObject {
            let o = iterable.object
            try check(o)
            if o.kind == .list || o.kind == .tuple {
                let items = sequenceItems(o)
                for v in items { incref(v) }
                return items
            }
        }
        let it = try iterate(iterable)
        defer { decref(it) }
        var items: [PyValue] = []
        do throws(PyError) {
            while let v = try iterNext(it) {
                items.append(v)
                if items.count > limit { throw error(runtime.classes.memoryError, "too many items") }
            }
        } catch {
            for v in items { decref(v) }
            throw error
        }
        return items
    }

    package func unpack(_ v: PyValue, count: Int) throws(PyError) -> [PyValue] {
        let items = try collect(v, limit: count + 1)
        guard items.count == count else {
            for x in items { decref(x) }
            if items.count > count { throw valueError("too many values to unpack (expected \(count))") }
            throw valueError("not enough values to unpack (expected \(count), got \(items.count))")
        }
        return items
    }

    // MARK: subscripts

    package func normalizeIndex(_ index: PyValue, count: Int, what: String) throws(PyError) -> Int {
        guard let i = asInt(index) else { throw typeError("\(what) indices must be integers or slices, not \(typeName(index))") }
        let j = i < 0 ? i + count : i
        guard j >= 0 && j < count else { throw error(runtime.classes.indexError, "\(what) index out of range") }
        return j
    }

    package func getItem(_ obj: PyValue, _ index: PyValue) throws(PyError) -> PyValue {
        guard obj.isObject else { throw typeError("'\(typeName(obj))' object is not subscriptable") }
        let o = obj.object
        try check(o)
        let slice: PySlice? = index.isObject && index.object.kind == .slice ? unsafeDowncast(index.object, to: PySlice.self) : nil
        switch o.kind {
        case .list:
            let list = unsafeDowncast(o, to: PyList.self)
            if let slice {
                let items = list.items.withLock { items in slice.indices(count: items.count).map { items[$0] } }
                for v in items { incref(v) }
                return newList(items)
            }
            var failure: PyError?
            let v = list.items.withLock { items -> PyValue in
                do throws(PyError) {
                    let i = try normalizeIndex(index, count: items.count, what: "list")
                    incref(items[i])
                    return items[i]
                } catch {
                    failure = error
                    return .none
                }
            }
            if let failure { throw failure }
            return v
        case .tuple:
            let items = unsafeDowncast(o, to: PyTuple.self).items
            if let slice {
                let picked = slice.indices(count: items.count).map { items[$0] }
                for v in picked { incref(v) }
                return newTuple(picked)
            }
            let v = items[try normalizeIndex(index, count: items.count, what: "tuple")]
            incref(v)
            return v
        case .str:
            let chars = Array(unsafeDowncast(o, to: PyStr.self).value)
            if let slice { return newString(String(slice.indices(count: chars.count).map { chars[$0] })) }
            return newString(String(chars[try normalizeIndex(index, count: chars.count, what: "string")]))
        case .range:
            let r = unsafeDowncast(o, to: PyRange.self)
            let i = try normalizeIndex(index, count: r.count, what: "range object")
            return try int(r.start + i * r.step)
        case .dict:
            guard let v = try dictGet(unsafeDowncast(o, to: PyDict.self), index) else {
                throw error(runtime.classes.keyError, try repr(index))
            }
            return v
        default:
            throw typeError("'\(o.typeName)' object is not subscriptable")
        }
    }

    /// `obj[index] = value`; takes over `value`'s reference on success.
    package func storeSubscript(_ obj: PyValue, _ index: PyValue, _ value: PyValue) throws(PyError) {
        guard obj.isObject else { throw typeError("'\(typeName(obj))' object does not support item assignment") }
        let o = obj.object
        try check(o)
        switch o.kind {
        case .list:
            var failure: PyError?
            let old = unsafeDowncast(o, to: PyList.self).items.withLock { items -> PyValue in
                do throws(PyError) {
                    let i = try normalizeIndex(index, count: items.count, what: "list assignment")
                    let old = items[i]
                    items[i] = value
                    return old
                } catch {
                    failure = error
                    return .none
                }
            }
            if let failure { throw failure }
            decref(old)
        case .dict:
            try dictSet(unsafeDowncast(o, to: PyDict.self), index, value)
            decref(value)
        default:
            throw typeError("'\(o.typeName)' object does not support item assignment")
        }
    }

    package func deleteSubscript(_ obj: PyValue, _ index: PyValue) throws(PyError) {
        guard obj.isObject else { throw typeError("'\(typeName(obj))' object does not support item deletion") }
        let o = obj.object
        try check(o)
        switch o.kind {
        case .list:
            var failure: PyError?
            let old = unsafeDowncast(o, to: PyList.self).items.withLock { items -> PyValue in
                do throws(PyError) {
                    let i = try normalizeIndex(index, count: items.count, what: "list assignment")
                    return items.remove(at: i)
                } catch {
                    failure = error
                    return .none
                }
            }
            if let failure { throw failure }
            decref(old)
        case .dict:
            let key = try dictKey(index)
            let removed = unsafeDowncast(o, to: PyDict.self).storage.withLock { s -> (PyValue, PyValue)? in
                guard let i = s.keys[key], let e = s.entries[i] else { return nil }
                s.keys[key] = nil
                s.entries[i] = nil
                return (e.key, e.value)
            }
            guard let removed else { throw error(runtime.classes.keyError, try repr(index)) }
            decref(removed.0)
            decref(removed.1)
        default:
            throw typeError("'\(o.typeName)' object does not support item deletion")
        }
    }

    package func makeSlice(_ a: PyValue, _ b: PyValue, _ c: PyValue) throws(PyError) -> PyValue {
        func part(_ v: PyValue) throws(PyError) -> Int? {
            if v == .none { return nil }
            guard let i = asInt(v) else { throw typeError("slice indices must be integers or None") }
            return i
        }
        let step = try part(c)
        if step == 0 { throw valueError("slice step cannot be zero") }
        return allocate(PySlice(start: try part(a), stop: try part(b), step: step, id: runtime.heap.newID(), owner: ownerForNew))
    }

    // MARK: attributes

    package func attributeError(_ v: PyValue, _ name: Int) -> PyError {
        error(runtime.classes.attributeError, "'\(typeName(v))' object has no attribute '\(runtime.name(ofInterned: name))'")
    }

    package func getAttribute(_ obj: PyValue, _ name: Int) throws(PyError) -> PyValue {
        if obj.isObject {
            let o = obj.object
            try check(o)
            switch o.kind {
            case .instance:
                let inst = unsafeDowncast(o, to: PyInstance.self)
                if let v = inst.attributes.withLock({ a -> PyValue? in
                    guard let v = a[name] else { return nil }
                    incref(v)
                    return v
                }) { return v }
                if name == runtime.names.argsID && inst.cls.isSubclass(of: runtime.classes.baseException) {
                    for a in inst.arguments { incref(a) }
                    return newTuple(inst.arguments)
                }
                if name == runtime.names.classID {
                    incref(inst.classValue)
                    return inst.classValue
                }
                if let v = inst.cls.lookup(name) {
                    if v.isObject && v.object.kind == .function {
                        incref(v)
                        incref(obj)
                        return allocate(PyMethod(function: v, selfValue: obj, id: runtime.heap.newID(), owner: ownerForNew))
                    }
                    incref(v)
                    return v
                }
            case .cls:
                let cls = unsafeDowncast(o, to: PyClass.self)
                if name == runtime.names.nameID { return newString(cls.name) }
                if let v = cls.lookup(name) {
                    incref(v)
                    return v
                }
            case .function:
                if name == runtime.names.nameID { return newString(unsafeDowncast(o, to: PyFunction.self).name) }
            case .generator:
                if name == runtime.names.nameID { return newString(unsafeDowncast(o, to: PyGenerator.self).name) }
            default:
                break
            }
            if let index = Builtins.method(for: o.kind, name: name, runtime: runtime) {
                incref(obj)
                return allocate(PyBuiltinMethod(builtin: index, selfValue: obj, id: runtime.heap.newID(), owner: ownerForNew))
            }
        }
        throw attributeError(obj, name)
    }

    /// For `obj.name(…)`: (callable, self) with self `.null` when the callable is not a method of obj.
    /// On success the caller's reference to `obj` is used as the self value when self is not `.null`.
    package func loadMethod(_ obj: PyValue, _ name: Int) throws(PyError) -> (PyValue, PyValue) {
        if obj.isObject {
            let o = obj.object
            try check(o)
            if o.kind == .instance {
                let inst = unsafeDowncast(o, to: PyInstance.self)
                let own = inst.attributes.withLock { a -> PyValue? in
                    guard let v = a[name] else { return nil }
                    incref(v)
                    return v
                }
                if let own { return (own, .null) }
                if let v = inst.cls.lookup(name), v.isObject, v.object.kind == .function {
                    incref(v)
                    return (v, obj)
                }
            } else if o.kind != .cls, let index = Builtins.method(for: o.kind, name: name, runtime: runtime) {
                return (.builtin(index), obj)
            }
        }
        return (try getAttribute(obj, name), .null)
    }

    /// `obj.name = value`, taking over `value`'s reference on success.
    package func setAttribute(_ obj: PyValue, _ name: Int, _ value: PyValue) throws(PyError) {
        guard obj.isObject else { throw error(runtime.classes.attributeError, "'\(typeName(obj))' object has no attribute '\(runtime.name(ofInterned: name))'") }
        let o = obj.object
        try check(o)
        let old: PyValue?
        switch o.kind {
        case .instance:
            old = unsafeDowncast(o, to: PyInstance.self).attributes.withLock { a in
                let previous = a[name]
                a[name] = value
                return previous
            }
        case .cls:
            if o.immortal { throw typeError("cannot set attributes of built-in class '\(unsafeDowncast(o, to: PyClass.self).name)'") }
            old = unsafeDowncast(o, to: PyClass.self).attributes.withLock { a in
                let previous = a[name]
                a[name] = value
                return previous
            }
        default:
            throw error(runtime.classes.attributeError, "'\(o.typeName)' object attribute '\(runtime.name(ofInterned: name))' is read-only")
        }
        if let old { decref(old) }
    }

    package func deleteAttribute(_ obj: PyValue, _ name: Int) throws(PyError) {
        guard obj.isObject, obj.object.kind == .instance else { throw attributeError(obj, name) }
        let inst = unsafeDowncast(obj.object, to: PyInstance.self)
        try check(inst)
        guard let old = inst.attributes.withLock({ $0.removeValue(forKey: name) }) else { throw attributeError(obj, name) }
        decref(old)
    }

    // MARK: class bodies

    package func makeClass(_ code: CodeObject, bases: [PyValue]) throws(PyError) -> PyValue {
        var base: PyClass = runtime.classes.object
        var baseValue = PyValue.object(Unmanaged.passUnretained(runtime.classes.object))
        if let b = bases.first {
            guard b.isObject, b.object.kind == .cls else { throw typeError("a class can only inherit from a class, not '\(typeName(b))'") }
            base = unsafeDowncast(b.object, to: PyClass.self)
            baseValue = b
        }
        incref(baseValue)
        let cls = PyClass(name: code.name, base: base, baseValue: baseValue, attributes: [:], id: runtime.heap.newID(), immortal: false, owner: ownerForNew)
        let value = allocate(cls)
        do throws(PyError) {
            let r = try run(code, namespace: cls)
            decref(r)
        } catch {
            decref(value)
            throw error
        }
        return value
    }

    package func loadName(_ namespace: Unmanaged<PyClass>?, _ name: Int) throws(PyError) -> PyValue {
        if let ns = namespace?.takeUnretainedValue(), let v = ns.attributes.withLock({ $0[name] }) {
            incref(v)
            return v
        }
        let text = runtime.name(ofInterned: name)
        if let slot = runtime.symbols.withLock({ $0.globalSlots[text] }) {
            let v = runtime.globals.load(slot)
            if v != .unbound {
                incref(v)
                return v
            }
        }
        if let v = runtime.builtinValues[text] { return v }
        throw error(runtime.classes.nameError, "name '\(text)' is not defined")
    }

    package func storeName(_ namespace: Unmanaged<PyClass>?, _ name: Int, _ value: PyValue) throws(PyError) {
        guard let ns = namespace?.takeUnretainedValue() else {
            decref(value)
            throw error(runtime.classes.runtimeError, "no class namespace")
        }
        let old = ns.attributes.withLock { a in
            let previous = a[name]
            a[name] = value
            return previous
        }
        if let old { decref(old) }
    }

    package func deleteName(_ namespace: Unmanaged<PyClass>?, _ name: Int) throws(PyError) {
        guard let ns = namespace?.takeUnretainedValue(), let old = ns.attributes.withLock({ $0.removeValue(forKey: name) }) else {
            throw error(runtime.classes.nameError, "name '\(runtime.name(ofInterned: name))' is not defined")
        }
        decref(old)
    }

    // MARK: exceptions

    /// The error `raise v` raises (takes over `v`'s reference).
    package func exceptionToRaise(_ v: PyValue) throws(PyError) -> PyError {
        if v.isObject {
            let o = v.object
            if o.kind == .cls {
                let cls = unsafeDowncast(o, to: PyClass.self)
                guard cls.isSubclass(of: runtime.classes.baseException) else {
                    decref(v)
                    return typeError("exceptions must derive from BaseException")
                }
                let instance: PyValue
                do throws(PyError) {
                    instance = try instantiate(cls, v, freeStackStart, count: 0, keywords: nil)
                } catch {
                    decref(v)
                    throw error
                }
                decref(v)
                return try exceptionToRaise(instance)
            }
            if o.kind == .instance {
                let inst = unsafeDowncast(o, to: PyInstance.self)
                if inst.cls.isSubclass(of: runtime.classes.baseException) {
                    let message = (try? exceptionMessage(inst)) ?? ""
                    var e = PyError(type: inst.cls, message: message, instance: v)
                    e.traceback = inst.traceback.withLock { $0 }
                    return e
                }
            }
        }
        let name = typeName(v)
        decref(v)
        return typeError("exceptions must derive from BaseException, not '\(name)'")
    }

    /// The exception object for a handler (owned); the error gives up its own.
    package func materialize(_ e: inout PyError, frameName: String, line: Int) -> PyValue {
        if e.instance != .none {
            let v = e.instance
            e.instance = .none
            if v.isObject, let inst = v.object as? PyInstance {
                let tb = e.traceback + ["line \(line), in \(frameName)"]
                inst.traceback.withLock { $0 = tb }
            }
            return v
        }
        let classValue = PyValue.object(Unmanaged.passUnretained(e.type))
        incref(classValue)
        let args = e.message.isEmpty ? [] : [newString(e.message)]
        let inst = PyInstance(cls: e.type, classValue: classValue, arguments: args, id: runtime.heap.newID(), owner: ownerForNew)
        inst.traceback.withLock { $0 = e.traceback + ["line \(line), in \(frameName)"] }
        return allocate(inst)
    }

    package func exceptionMatches(_ exc: PyValue, _ type: PyValue) throws(PyError) -> Bool {
        guard exc.isObject, let inst = exc.object as? PyInstance else { return false }
        if type.isObject, type.object.kind == .tuple {
            for t in unsafeDowncast(type.object, to: PyTuple.self).items where try exceptionMatches(exc, t) { return true }
            return false
        }
        guard type.isObject, type.object.kind == .cls else {
            throw typeError("catching classes that do not inherit from BaseException is not allowed")
        }
        return inst.cls.isSubclass(of: unsafeDowncast(type.object, to: PyClass.self))
    }

    // MARK: with

    package func enterContext(_ manager: PyValue) throws(PyError) -> PyValue {
        guard manager.isObject else { throw typeError("'\(typeName(manager))' object does not support the context manager protocol") }
        let o = manager.object
        try check(o)
        if o.kind == .lock {
            try lockAcquire(unsafeDowncast(o, to: PyLock.self), blocking: true, timeoutMilliseconds: nil)
            return .true
        }
        if o.kind == .instance, let method = unsafeDowncast(o, to: PyInstance.self).cls.lookup(runtime.names.enterID) {
            return try call(method, [manager])
        }
        throw typeError("'\(o.typeName)' object does not support the context manager protocol")
    }

    /// Calls `__exit__`; true when it asks to suppress the exception.
    package func exitContext(_ manager: PyValue, exception: PyValue?) throws(PyError) -> Bool {
        let o = manager.object
        if o.kind == .lock {
            try lockRelease(unsafeDowncast(o, to: PyLock.self))
            return false
        }
        if o.kind == .instance, let method = unsafeDowncast(o, to: PyInstance.self).cls.lookup(runtime.names.exitID) {
            var args = [manager, PyValue.none, PyValue.none, PyValue.none]
            if let exception, exception.isObject, let inst = exception.object as? PyInstance {
                args[1] = inst.classValue
                args[2] = exception
            }
            let r = try call(method, args)
            defer { decref(r) }
            guard exception != nil else { return false }
            return try truthy(r)
        }
        return false
    }

    // MARK: values for results

    /// A snippet value as a result value (for lab checks and JSON).
    package func labValue(_ v: PyValue, depth: Int = 0) -> Value {
        if v.isInt { return .int(v.intValue) }
        if v == .true { return .bool(true) }
        if v == .false { return .bool(false) }
        if v == .none || v == .unbound { return .null }
        if v.isObject {
            let o = v.object
            if o.isFreed { return .string("<freed \(o.typeName) #\(o.id)>") }
            switch o.kind {
            case .str: return .string(unsafeDowncast(o, to: PyStr.self).value)
            case .list, .tuple:
                guard depth < 8 else { return .string("[…]") }
                let items = sequenceItems(o)
                return .list(items.prefix(1000).map { labValue($0, depth: depth + 1) })
            case .dict:
                guard depth < 8 else { return .string("{…}") }
                let entries = unsafeDowncast(o, to: PyDict.self).storage.withLock { $0.entries.compactMap { $0 } }
                return .record(Record(entries.prefix(1000).map { ((try? str($0.key)) ?? "?", labValue($0.value, depth: depth + 1)) }))
            default: break
            }
        }
        return .string((try? repr(v)) ?? "?")
    }
}

extension Array {
    package func pyMap<T, E: Error>(_ transform: (Element) throws(E) -> T) throws(E) -> [T] {
        var result: [T] = []
        result.reserveCapacity(count)
        for x in self { result.append(try transform(x)) }
        return result
    }
}

extension String {
    package func pyContains(_ other: String) -> Bool {
        if other.isEmpty { return true }
        let a = Array(utf8), b = Array(other.utf8)
        guard b.count <= a.count else { return false }
        for i in 0...(a.count - b.count) where a[i] == b[0] {
            if Array(a[i..<(i + b.count)]) == b { return true }
        }
        return false
    }
}
