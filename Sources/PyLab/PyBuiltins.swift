import LabOS
import Synchronization
import LabCore
import BigInt

/// The arguments a built-in receives: borrowed values (positional first, then keyword values).
package struct BuiltinArgs {
    package let values: UnsafeMutablePointer<PyValue>
    package let count: Int
    package let keywords: [(String, PyValue)]
    package let name: String

    package subscript(i: Int) -> PyValue { values[i] }

    package func keyword(_ key: String) -> PyValue? { keywords.first { $0.0 == key }?.1 }

    package func expect(_ range: ClosedRange<Int>, keywords allowed: [String] = [], _ ts: PyThreadState) throws(PyError) {
        if let bad = keywords.first(where: { !allowed.contains($0.0) }) {
            throw ts.typeError("\(name)() got an unexpected keyword argument '\(bad.0)'")
        }
        guard range.contains(count) else {
            let what = range.lowerBound == range.upperBound ? "exactly \(range.lowerBound)" :
                count < range.lowerBound ? "at least \(range.lowerBound)" : "at most \(range.upperBound)"
            throw ts.typeError("\(name)() takes \(what) argument\(range.upperBound == 1 ? "" : "s") (\(count) given)")
        }
    }
}

package typealias BuiltinBody = @Sendable (PyThreadState, BuiltinArgs) throws(PyError) -> PyValue

/// A built-in function (`receiver == nil`) or a method of a built-in type.
package struct Builtin: Sendable {
    package let name: String
    package let receiver: PyKind?
    package let body: BuiltinBody
    /// The name its errors give (`list.append`), made once: made on every call, it was a tenth of a list append.
    package let fullName: String

    package init(_ name: String, on receiver: PyKind? = nil, _ body: @escaping BuiltinBody) {
        self.name = name
        self.receiver = receiver
        self.body = body
        self.fullName = receiver.map { "\($0.typeName).\(name)" } ?? name
    }
}

extension PyThreadState {
    package func callBuiltin(_ index: Int, _ args: UnsafeMutablePointer<PyValue>, count: Int, keywords: PyTuple?) throws(PyError) -> PyValue {
        guard index >= 0 && index < Builtins.table.count else { throw typeError("bad built-in") }
        let builtin = Builtins.table[index]
        var kw: [(String, PyValue)] = []
        var positional = count
        if let keywords {
            positional = count - keywords.items.count
            for (i, k) in keywords.items.enumerated() { kw.append((string(k) ?? "", args[positional + i])) }
        }
        return try builtin.body(self, BuiltinArgs(values: args, count: positional, keywords: kw,
                                                 name: builtin.fullName))
    }

    package func intArgument(_ v: PyValue, _ what: String) throws(PyError) -> Int {
        guard let i = asInt(v) else {
            if v.isObject, v.objectKind == .bigint { throw error(runtime.classes.overflowError, "conclab's Python does not support an int past 63 bits as \(what)") }
            throw typeError("\(what) must be an integer, not '\(typeName(v))'")
        }
        return i
    }

    /// `exit(code)` / `quit(code)`: SystemExit, as `sys.exit` raises it.
    package func raiseSystemExit(_ a: BuiltinArgs) throws(PyError) -> PyValue {
        try a.expect(0...1, keywords: ["code"], self)
        let code = a.count == 1 ? [a[0]] : a.keyword("code").map { [$0] } ?? []
        let instance = try call(PyValue.object(Unmanaged.passUnretained(runtime.classes.systemExit)), code)
        throw try exceptionToRaise(instance)
    }

    // MARK: Lock

    /// `lock.acquire()`: takes it at once if free; otherwise waits without the GIL (as CPython does), in short
    /// slices so a stop request ends the wait.
    @discardableResult
    package func lockAcquire(_ lock: PyLock, blocking: Bool, timeoutNanoseconds: Int64?) throws(PyError) -> Bool {
        try check(lock)
        let me = number
        let got = lock.state.update { s -> Bool in
            guard s.holder == 0 else { return false }
            s.holder = me
            s.acquisitions += 1
            return true
        }
        if got { return true }
        if !blocking { return false }
        lock.state.update { $0.contended += 1 }
        let deadline = timeoutNanoseconds.map { Clock.monotonicNanoseconds() + $0 }
        return try withoutGIL { () throws(PyError) -> Bool in
            while true {
                try periodicCheck()
                var slice: Int64 = 10_000_000
                if let deadline {
                    let left = deadline - Clock.monotonicNanoseconds()
                    if left <= 0 { return false }
                    slice = min(slice, left)
                }
                let taken = lock.state.wait(timeoutNanoseconds: slice) { s -> Bool? in
                    guard s.holder == 0 else { return nil }
                    s.holder = me
                    s.acquisitions += 1
                    return true
                }
                if taken == true { return true }
            }
        }
    }

    package func lockRelease(_ lock: PyLock) throws(PyError) {
        try check(lock)
        let wasHeld = lock.state.update { s -> Bool in
            guard s.holder != 0 else { return false }
            s.holder = 0
            return true
        }
        if !wasHeld { throw error(runtime.classes.runtimeError, "release unlocked lock") }
    }

    // MARK: blocking and busy built-ins

    /// `sleep(ms)`: blocks without the GIL, like a read from a socket. It waits on the thread's stop request (linked to
    /// the command's Ctrl-C), so a stop wakes it at once and a sleeping thread uses no CPU.
    package func sleepMilliseconds(_ ms: Int) throws(PyError) {
        try sleepNanoseconds(Time.nanoseconds(milliseconds: ms))
    }

    /// `spin(ms)`: `ms` milliseconds of this thread's CPU time, keeping the GIL the way pure-Python work does
    /// (it still gives it up when another thread asks, between slices).
    package func spinMilliseconds(_ ms: Int) throws(PyError) {
        let target = Clock.threadCPUNanoseconds() + Time.nanoseconds(milliseconds: ms)
        var x: UInt64 = 0x9E37_79B9
        let gil = runtime.gil
        while true {
            for _ in 0..<4096 { x = x &* 6364136223846793005 &+ 1442695040888963407 }
            if gilEnabled && gil.dropRequest.load(ordering: .relaxed) != 0 { yieldGIL() }
            try periodicCheck()
            if Clock.threadCPUNanoseconds() >= target { break }
        }
        Builtins.sink.store(x, ordering: .relaxed)
    }

    /// `hash_mb(n)`: SHA-256 of `n` MiB without the GIL, as a C extension that releases it (hashlib does).
    package func hashMegabytes(_ n: Int) throws(PyError) -> String {
        try withoutGIL { () throws(PyError) -> String in
            var hasher = SHA256()
            let piece = 64 * 1024
            for _ in 0..<n {
                for offset in stride(from: 0, to: Builtins.megabyte.count, by: piece) {
                    try periodicCheck()
                    Builtins.megabyte.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + piece)])) }
                }
            }
            return hasher.finishHex()
        }
    }
}

/// The built-in functions and the methods of built-in types.
/// Text to an integer in a radix from 2 to 36: attaswift/BigInt's own parser stops the process for radix 36 (its
/// precondition is `radix < 36`), so that radix is read here, ten digits at a time.
extension Builtins {
    /// `seq.index(x)` of a list or tuple: the first position holding a value equal to x, else ValueError with the
    /// type's own words.
    static func sequenceIndex(_ ts: PyThreadState, _ a: BuiltinArgs,
                              notFound: (PyThreadState) throws(PyError) -> String) throws(PyError) -> PyValue {
        try a.expect(2...2, ts)
        for (i, v) in ts.sequenceItems(a[0].object).enumerated() where try ts.equals(v, a[1]) { return .int(i) }
        throw ts.valueError(try notFound(ts))
    }

    /// `seq.count(x)` of a list or tuple: how many values equal x.
    static func sequenceCount(_ ts: PyThreadState, _ a: BuiltinArgs) throws(PyError) -> PyValue {
        try a.expect(2...2, ts)
        var n = 0
        for v in ts.sequenceItems(a[0].object) where try ts.equals(v, a[1]) { n += 1 }
        return .int(n)
    }

    /// x⁻¹ mod m for 0 <= x < m (extended Euclid), nil when they share a factor.
    static func modularInverse(_ x: BigInt, _ m: BigInt) -> BigInt? {
        var (r0, r1) = (m, x)
        var (t0, t1) = (BigInt(0), BigInt(1))
        while !r1.isZero {
            let q = r0 / r1
            (r0, r1) = (r1, r0 - q * r1)
            (t0, t1) = (t1, t0 - q * t1)
        }
        guard r0 == 1 else { return m == 1 ? 0 : nil }
        return PyNumbers.floorDivMod(t0, m).1
    }

    static func parseInteger(_ text: String, radix: Int) -> BigInt? {
        guard (2...36).contains(radix) else { return nil }
        if radix < 36 { return BigInt(text, radix: radix) }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isLetter || $0.isASCII && $0.isNumber }) else { return nil }
        var value = BigInt(0)
        var rest = Substring(text)
        while !rest.isEmpty {
            let chunk = rest.prefix(10)
            rest = rest.dropFirst(chunk.count)
            guard let part = Int(chunk, radix: radix) else { return nil }
            value = value * BigInt(radix).power(chunk.count) + BigInt(part)
        }
        return value
    }
}

package enum Builtins {
    package static let megabyte: [UInt8] = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 13) }
    /// Keeps `spin`'s arithmetic from being optimised away.
    package static let sink = Atomic<UInt64>(0)

    @inline(__always) package static func method(for kind: PyKind, name: Int, runtime: PyRuntime) -> Int? {
        guard name >= 0 && name < runtime.methodNameCount && Int(kind.rawValue) < runtime.methodKindCount else { return nil }
        let index = runtime.methodTable.withUnsafeBufferPointer { $0[Int(kind.rawValue) * runtime.methodNameCount + name] }
        return index < 0 ? nil : Int(index)
    }

    package static func index(of name: String) -> Int? { table.firstIndex { $0.name == name && $0.receiver == nil } }

    package static let typeNames: Set<String> = ["int", "float", "str", "bytes", "list", "tuple", "dict", "bool", "range", "set", "frozenset", "slice", "map", "filter", "zip", "enumerate",
                                                   "property", "classmethod", "staticmethod"]

    package static func isInstance(_ ts: PyThreadState, _ v: PyValue, _ type: PyValue) throws(PyError) -> Bool {
        if type.isBuiltin {
            switch table[type.builtinIndex].name {
            case "int": return v.isInt || v.isBool || (v.isObject && v.object.kind == .bigint)
            case "float": return v.isObject && v.object.kind == .float
            case "bool": return v.isBool
            case "str": return ts.string(v) != nil
            case "bytes": return ts.bytes(v) != nil
            case "list": return v.isObject && v.object.kind == .list
            case "tuple": return v.isObject && v.object.kind == .tuple
            case "dict": return v.isObject && v.object.kind == .dict
            case "range": return v.isObject && v.object.kind == .range
            case "set": return v.isObject && v.object.kind == .set && !unsafeDowncast(v.object, to: PySet.self).frozen
            case "frozenset": return v.isObject && v.object.kind == .set && unsafeDowncast(v.object, to: PySet.self).frozen
            case "slice": return v.isObject && v.object.kind == .slice
            case "property", "classmethod", "staticmethod":
                return v.isObject && v.object.kind == .descriptor && unsafeDowncast(v.object, to: PyDescriptor.self).flavor.rawValue == table[type.builtinIndex].name
            default: throw ts.typeError("isinstance() arg 2 must be a type or tuple of types")
            }
        }
        if type.isObject, type.object.kind == .tuple {
            for t in unsafeDowncast(type.object, to: PyTuple.self).items where try isInstance(ts, v, t) { return true }
            return false
        }
        guard type.isObject, type.object.kind == .cls else { throw ts.typeError("isinstance() arg 2 must be a type or tuple of types") }
        let cls = unsafeDowncast(type.object, to: PyClass.self)
        if v.isObject, let inst = v.object as? PyInstance { return inst.cls.isSubclass(of: cls) }
        return cls === ts.runtime.classes.object
    }

    /// `issubclass(a, b)`: classes along their MRO; the built-in types are related only to themselves (and bool
    /// to int), and every class to `object`.
    package static func isSubclass(_ ts: PyThreadState, _ a: PyValue, _ b: PyValue) throws(PyError) -> Bool {
        if b.isObject, b.object.kind == .tuple {
            for t in unsafeDowncast(b.object, to: PyTuple.self).items where try isSubclass(ts, a, t) { return true }
            return false
        }
        let aClass = a.isObject && a.object.kind == .cls ? unsafeDowncast(a.object, to: PyClass.self) : nil
        let aType = a.isBuiltin && typeNames.contains(table[a.builtinIndex].name) ? table[a.builtinIndex].name : nil
        guard aClass != nil || aType != nil else { throw ts.typeError("issubclass() arg 1 must be a class") }
        if b.isObject, b.object.kind == .cls {
            let bClass = unsafeDowncast(b.object, to: PyClass.self)
            return aClass?.isSubclass(of: bClass) ?? (bClass === ts.runtime.classes.object)
        }
        guard b.isBuiltin, typeNames.contains(table[b.builtinIndex].name) else {
            throw ts.typeError("issubclass() arg 2 must be a class, a tuple of classes, or a union")
        }
        let bType = table[b.builtinIndex].name
        return aType == bType || (aType == "bool" && bType == "int")
    }

    package static func sorted(_ ts: PyThreadState, _ items: [PyValue], reverse: Bool) throws(PyError) -> [PyValue] {
        // Merge sort: stable, and the comparison may throw (a TypeError for mixed types).
        if items.count < 2 { return items }
        let mid = items.count / 2
        let left = try sorted(ts, Array(items[..<mid]), reverse: reverse)
        let right = try sorted(ts, Array(items[mid...]), reverse: reverse)
        var out: [PyValue] = []
        out.reserveCapacity(items.count)
        var i = 0, j = 0
        while i < left.count && j < right.count {
            let c = try ts.order(left[i], right[j], .compareLT)
            if reverse ? c >= 0 : c <= 0 { out.append(left[i]); i += 1 } else { out.append(right[j]); j += 1 }
        }
        out += left[i...]
        out += right[j...]
        return out
    }

    package static func minMax(_ ts: PyThreadState, _ a: BuiltinArgs, wantMax: Bool) throws(PyError) -> PyValue {
        try a.expect(1...Int.max, keywords: ["default", "key"], ts)
        let items: [PyValue]
        if a.count == 1 {
            items = try ts.collect(a[0])
        } else {
            items = (0..<a.count).map { a[$0] }
            for v in items { ts.incref(v) }
        }
        defer { for v in items { ts.decref(v) } }
        guard var best = items.first else {
            if let d = a.keyword("default") { ts.incref(d); return d }
            throw ts.valueError("\(a.name)() arg is an empty sequence")
        }
        if let key = a.keyword("key"), key != .none {
            // key=: compare what the function returns; the first of equal items wins, as in CPython.
            var bestKey = try ts.call(key, [best])
            defer { ts.decref(bestKey) }
            for v in items.dropFirst() {
                let k = try ts.call(key, [v])
                let c: Int
                do throws(PyError) { c = try ts.order(k, bestKey, wantMax ? .compareGT : .compareLT) } catch { ts.decref(k); throw error }
                if wantMax ? c > 0 : c < 0 { best = v; ts.decref(bestKey); bestKey = k } else { ts.decref(k) }
            }
        } else {
            for v in items.dropFirst() {
                let c = try ts.order(v, best, wantMax ? .compareGT : .compareLT)
                if wantMax ? c > 0 : c < 0 { best = v }
            }
        }
        ts.incref(best)
        return best
    }

    /// `print(…, file=f)`: as CPython, each piece (the values, the separators, the end) is given to `f.write`.
    static func printTo(_ ts: PyThreadState, _ file: PyValue, _ parts: [String], sep: String, end: String) throws(PyError) {
        let write = try ts.getAttribute(file, ts.runtime.intern("write"))
        defer { ts.decref(write) }
        var pieces: [String] = []
        for (i, part) in parts.enumerated() {
            if i > 0 { pieces.append(sep) }
            pieces.append(part)
        }
        pieces.append(end)
        for piece in pieces {
            let text = ts.newString(piece)
            defer { ts.decref(text) }
            ts.decref(try ts.call(write, [text]))
        }
    }

    package static let table: [Builtin] = [
        Builtin("print") { ts, a throws(PyError) in
            try a.expect(0...Int.max, keywords: ["sep", "end", "flush", "file"], ts)
            let sep = a.keyword("sep").flatMap { ts.string($0) } ?? " "
            let end = a.keyword("end").flatMap { ts.string($0) } ?? "\n"
            var parts: [String] = []
            for i in 0..<a.count { parts.append(try ts.str(a[i])) }
            if let file = a.keyword("file"), file != .none {
                try printTo(ts, file, parts, sep: sep, end: end)
                return .none
            }
            ts.write(parts.joined(separator: sep) + end)
            return .none
        },
        Builtin("len") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let v = a[0]
            guard v.isObject else { throw ts.typeError("object of type '\(ts.typeName(v))' has no len()") }
            let o = v.object
            try ts.check(o)
            switch o.kind {
            case .str: return .int(unsafeDowncast(o, to: PyStr.self).scalarCount)
            case .bytes: return .int(unsafeDowncast(o, to: PyBytes.self).value.count)
            case .list: return .int(unsafeDowncast(o, to: PyList.self).items.withLock { $0.count })
            case .tuple: return .int(unsafeDowncast(o, to: PyTuple.self).items.count)
            case .dict: return .int(unsafeDowncast(o, to: PyDict.self).storage.withLock { $0.count })
            case .range: return .int(unsafeDowncast(o, to: PyRange.self).count)
            case .set: return .int(unsafeDowncast(o, to: PySet.self).members.count)
            case .dictView:
                let d = unsafeDowncast(o, to: PyDictView.self).dict
                return .int(d.isObject ? (d.object as? PyDict)?.storage.withLock { $0.count } ?? 0 : 0)
            case .instance:
                if let m = unsafeDowncast(o, to: PyInstance.self).cls.lookup(ts.runtime.names.lenID) { return try ts.call(m, [v]) }
            case .cls:
                if let n = try ts.classHook(v, "_conclab_class_len", []) { return n }
            default: break
            }
            throw ts.typeError("object of type '\(o.typeName)' has no len()")
        },
        Builtin("range") { ts, a throws(PyError) in
            try a.expect(1...3, ts)
            var start = 0, stop = 0, step = 1
            if a.count == 1 { stop = try ts.intArgument(a[0], "range() argument") } else {
                start = try ts.intArgument(a[0], "range() argument")
                stop = try ts.intArgument(a[1], "range() argument")
                if a.count == 3 { step = try ts.intArgument(a[2], "range() argument") }
            }
            if step == 0 { throw ts.valueError("range() arg 3 must not be zero") }
            return ts.allocate(PyRange(start: start, stop: stop, step: step, id: ts.runtime.heap.newID(), owner: ts.ownerForNew))
        },
        Builtin("sleep") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let ms = try ts.intArgument(a[0], "sleep() takes milliseconds and")
            guard ms >= 0 && ms <= 86_400_000 else { throw ts.valueError("sleep length must be 0 to 86400000 milliseconds") }
            try ts.sleepMilliseconds(ms)
            return .none
        },
        Builtin("spin") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let ms = try ts.intArgument(a[0], "spin() takes milliseconds and")
            guard ms >= 0 && ms <= 3_600_000 else { throw ts.valueError("spin length must be 0 to 3600000 milliseconds") }
            try ts.spinMilliseconds(ms)
            return .none
        },
        Builtin("hash_mb") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let mb = try ts.intArgument(a[0], "hash_mb() takes MiB and")
            guard mb >= 0 && mb <= 65_536 else { throw ts.valueError("hash_mb takes 0 to 65536 MiB") }
            return ts.newString(try ts.hashMegabytes(mb))
        },
        Builtin("Lock") { ts, a throws(PyError) in
            try a.expect(0...0, ts)
            return ts.allocate(PyLock(id: ts.runtime.heap.newID(), owner: ts.ownerForNew))
        },
        Builtin("next") { ts, a throws(PyError) in
            try a.expect(1...2, ts)
            if a[0].isObject, a[0].objectKind == .generator {
                // A generator's return value travels in the StopIteration, as in CPython.
                do throws(PyError) {
                    return try ts.generatorStep(unsafeDowncast(a[0].object, to: PyGenerator.self))
                } catch {
                    guard a.count == 2, error.type === ts.runtime.classes.stopIteration else { throw error }
                    var e = error
                    ts.releaseInstance(&e)
                    ts.incref(a[1])
                    return a[1]
                }
            }
            if let v = try ts.iterNext(a[0]) { return v }
            if a.count == 2 { ts.incref(a[1]); return a[1] }
            throw ts.error(ts.runtime.classes.stopIteration, "")
        },
        Builtin("iter") { ts, a throws(PyError) in
            try a.expect(1...2, ts)
            if a.count == 2 {
                // iter(f, sentinel): calls f until it returns the sentinel.
                let callable = try ts.call(.builtin(index(of: "callable") ?? 0), [a[0]])
                guard callable == .true else { throw ts.typeError("iter(v, w): v must be callable") }
                ts.incref(a[0])
                ts.incref(a[1])
                return ts.allocate(PyLazyIterator(.callable, function: a[0], sources: [a[1]], id: ts.runtime.heap.newID(), owner: ts.ownerForNew))
            }
            return try ts.iterate(a[0])
        },
        Builtin("exit") { ts, a throws(PyError) in try ts.raiseSystemExit(a) },
        Builtin("ascii") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            // repr() with every non-ASCII character escaped, as CPython's ascii().
            func hex(_ v: UInt32, _ width: Int) -> String {
                let digits = String(v, radix: 16)
                return String(repeating: "0", count: max(0, width - digits.count)) + digits
            }
            var out = ""
            for c in try ts.repr(a[0]).unicodeScalars {
                switch c.value {
                case 0..<0x80: out.unicodeScalars.append(c)
                case 0..<0x100: out += "\\x" + hex(c.value, 2)
                case 0..<0x10000: out += "\\u" + hex(c.value, 4)
                default: out += "\\U" + hex(c.value, 8)
                }
            }
            return ts.newString(out)
        },
        Builtin("globals") { ts, a throws(PyError) in try a.expect(0...0, ts); return try ts.globalsSnapshot() },
        Builtin("locals") { ts, a throws(PyError) in try a.expect(0...0, ts); return try ts.localsSnapshot() },
        Builtin("vars") { ts, a throws(PyError) in
            try a.expect(0...1, ts)
            return a.count == 0 ? try ts.localsSnapshot() : try ts.instanceVars(a[0])
        },
        Builtin("dir") { ts, a throws(PyError) in try ts.dirNames(a) },
        Builtin("eval") { ts, a throws(PyError) in try ts.evaluate(a, expression: true) },
        Builtin("exec") { ts, a throws(PyError) in try ts.evaluate(a, expression: false) },
        Builtin("quit") { ts, a throws(PyError) in try ts.raiseSystemExit(a) },
        Builtin("delattr") { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            guard let n = ts.string(a[1]) else { throw ts.typeError("attribute name must be string, not '\(ts.typeName(a[1]))'") }
            try ts.deleteAttribute(a[0], ts.runtime.intern(n))
            return .none
        },
        Builtin("slice") { ts, a throws(PyError) in
            try a.expect(1...3, ts)
            if a.count == 1 { return try ts.makeSlice(.none, a[0], .none) }
            return try ts.makeSlice(a[0], a[1], a.count == 3 ? a[2] : .none)
        },
        Builtin("str") { ts, a throws(PyError) in
            try a.expect(0...3, keywords: ["object", "encoding", "errors"], ts)
            let object = a.count >= 1 ? a[0] : a.keyword("object")
            let encoding = a.count >= 2 ? a[1] : a.keyword("encoding"), errors = a.count >= 3 ? a[2] : a.keyword("errors")
            guard let object else { return ts.newString("") }
            guard encoding != nil || errors != nil else { return ts.newString(try ts.str(object)) }
            // str(b, encoding): b.decode(encoding), as CPython.
            guard let data = ts.bytes(object) else {
                if ts.string(object) != nil { throw ts.typeError("decoding str is not supported") }
                throw ts.typeError("decoding to str: need a bytes-like object, \(ts.typeName(object)) found")
            }
            return ts.newString(try ts.decode(data, try ts.codec(encoding, errors: errors, "str")))
        },
        Builtin("repr") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return ts.newString(try ts.repr(a[0]))
        },
        Builtin("int") { ts, a throws(PyError) in
            try a.expect(0...2, keywords: ["base"], ts)
            if a.count == 0 { return .int(0) }
            // Bytes are read as their ASCII text, and shown as bytes in the error.
            let text = ts.string(a[0]).map { ($0, PyThreadState.quote($0)) } ?? ts.bytes(a[0]).map { (ts.asciiText($0), PyBytes.repr($0)) }
            if (a.count == 2 || a.keyword("base") != nil) && text == nil {
                throw ts.typeError("int() can't convert non-string with explicit base")
            }
            if let i = ts.asInt(a[0]) { return .int(i) }
            switch ts.number(a[0]) {
            case .big: ts.incref(a[0]); return a[0]
            case .float(let x): return try truncated(ts, x)
            default: break
            }
            if let (s, shown) = text {
                let base = try (a.count == 2 ? a[1] : a.keyword("base")).map { (b: PyValue) throws(PyError) in try ts.intArgument(b, "base") } ?? 10
                if base != 0 && !(2...36).contains(base) { throw ts.valueError("int() base must be >= 2 and <= 36, or 0") }
                var text = Substring(s.trimmed(while: \.isPythonWhitespace))
                let negative = text.first == "-"
                if text.first == "-" || text.first == "+" { text = text.dropFirst() }
                // The prefix of the base (0x, 0o, 0b) is allowed for that base, and names it for base 0, as in a literal;
                // an underscore may follow it.
                var radix = base
                let prefixes: [(String, Int)] = [("0x", 16), ("0o", 8), ("0b", 2)]
                if let (prefix, r) = prefixes.first(where: { text.lowercased().hasPrefix($0.0) }), base == r || base == 0 {
                    radix = r
                    text = text.dropFirst(prefix.count)
                    if text.first == "_" { text = text.dropFirst() }
                } else if base == 0 {
                    radix = 10
                    // Base 0 reads a literal: no leading zero before other digits ("010" is an error, "00" is 0).
                    if text.count > 1, text.first == "0", text.contains(where: { $0 != "0" && $0 != "_" }) { text = "_" }
                }
                let valid = !text.isEmpty && !text.hasPrefix("_") && !text.hasSuffix("_") && !text.contains("__")
                guard valid, let v = Self.parseInteger(String(text.filter { $0 != "_" }), radix: radix) else {
                    throw ts.valueError("invalid literal for int() with base \(base): \(shown)")
                }
                return ts.newInt(negative ? -v : v)
            }
            throw ts.typeError("int() argument must be a string, a bytes-like object or a real number, not '\(ts.typeName(a[0]))'")
        },
        Builtin("bool") { ts, a throws(PyError) in
            try a.expect(0...1, ts)
            return a.count == 0 ? .false : .bool(try ts.truthy(a[0]))
        },
        Builtin("list") { ts, a throws(PyError) in
            try a.expect(0...1, ts)
            return ts.newList(a.count == 0 ? [] : try ts.collect(a[0]))
        },
        Builtin("tuple") { ts, a throws(PyError) in
            try a.expect(0...1, ts)
            return ts.newTuple(a.count == 0 ? [] : try ts.collect(a[0]))
        },
        Builtin("dict") { ts, a throws(PyError) in
            // Any keyword is a key (`dict(a=1)`).
            try a.expect(0...1, keywords: a.keywords.map(\.0), ts)
            let d = PyDict(id: ts.runtime.heap.newID(), owner: ts.ownerForNew)
            let value = ts.allocate(d)
            do throws(PyError) {
                if a.count == 1 {
                    if a[0].isObject, let other = a[0].object as? PyDict {
                        for e in other.storage.withLock({ $0.entries.compactMap { $0 } }) { try ts.dictSet(d, e.key, e.value) }
                    } else if a[0].isObject, a[0].object.kind == .instance,
                              unsafeDowncast(a[0].object, to: PyInstance.self).cls.lookup(ts.runtime.intern("keys")) != nil {
                        // A mapping of conclab's Python (Counter, defaultdict, a class with keys() and []), as CPython
                        // reads any object with a keys() method.
                        let keysMethod = try ts.getAttribute(a[0], ts.runtime.intern("keys"))
                        defer { ts.decref(keysMethod) }
                        let keysValue = try ts.call(keysMethod, [])
                        defer { ts.decref(keysValue) }
                        let keys = try ts.collect(keysValue)
                        defer { for k in keys { ts.decref(k) } }
                        for k in keys {
                            let v = try ts.getItem(a[0], k)
                            defer { ts.decref(v) }
                            try ts.dictSet(d, k, v)
                        }
                    } else {
                        let pairs = try ts.collect(a[0])
                        defer { for p in pairs { ts.decref(p) } }
                        for p in pairs {
                            let kv = try ts.unpack(p, count: 2)
                            defer { ts.decref(kv[0]); ts.decref(kv[1]) }
                            try ts.dictSet(d, kv[0], kv[1])
                        }
                    }
                }
                for (k, v) in a.keywords { try ts.dictSet(d, ts.runtime.constant(k), v) }
            } catch {
                ts.decref(value)
                throw error
            }
            return value
        },
        Builtin("abs") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            switch ts.number(a[0]) {
            case .small(let i):
                // The small-int fast path (`x = x + abs(1)` is the race lab's loop): no BigInt unless abs overflows.
                if i != Int.min, let v = PyValue.checkedInt(Swift.abs(i)) { return v }
                return ts.newInt(BigInt(i.magnitude))
            case .big(let b): return ts.newInt(BigInt(b.magnitude))
            case .float(let x): return ts.newFloat(abs(x))
            case nil:
                if a[0].isObject, a[0].object.kind == .instance,
                   let m = unsafeDowncast(a[0].object, to: PyInstance.self).cls.lookup(ts.runtime.intern("__abs__")) {
                    return try ts.call(m, [a[0]])
                }
                throw ts.typeError("bad operand type for abs(): '\(ts.typeName(a[0]))'")
            }
        },
        Builtin("min") { ts, a throws(PyError) in try minMax(ts, a, wantMax: false) },
        Builtin("max") { ts, a throws(PyError) in try minMax(ts, a, wantMax: true) },
        Builtin("sum") { ts, a throws(PyError) in
            try a.expect(1...2, keywords: ["start"], ts)
            var total = a.count == 2 ? a[1] : (a.keyword("start") ?? .int(0))
            ts.incref(total)
            let it = try ts.iterate(a[0])
            defer { ts.decref(it) }
            while let v = try ts.iterNext(it) {
                let next: PyValue
                do throws(PyError) {
                    if v.isInt && total.isInt, let r = PyValue.checkedInt(total.intValue &+ v.intValue),
                       !total.intValue.addingReportingOverflow(v.intValue).overflow {
                        next = r
                    } else {
                        next = try ts.binary(.binaryAdd, total, v)
                    }
                } catch {
                    ts.decref(v)
                    ts.decref(total)
                    throw error
                }
                ts.decref(v)
                ts.decref(total)
                total = next
            }
            return total
        },
        Builtin("isinstance") { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            return .bool(try isInstance(ts, a[0], a[1]))
        },
        Builtin("issubclass") { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            return .bool(try isSubclass(ts, a[0], a[1]))
        },
        Builtin("type") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let v = a[0]
            if v.isObject, let inst = v.object as? PyInstance { ts.incref(inst.classValue); return inst.classValue }
            let name = ts.typeName(v)
            if let i = index(of: name) { return .builtin(i) }
            return ts.typeObject(name)
        },
        Builtin("id") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return a[0].isObject ? .int(a[0].object.id) : (PyValue.checkedInt(Int(truncatingIfNeeded: a[0].bits)) ?? .int(0))
        },
        Builtin("getrefcount") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            guard a[0].isObject else { return .int(1 << 30) }
            let o = a[0].object
            return o.immortal ? .int(1 << 30) : .int(o.totalCount)
        },
        Builtin("thread_name") { ts, a throws(PyError) in
            try a.expect(0...0, ts)
            return ts.newString(ts.name)
        },
        Builtin("sorted") { ts, a throws(PyError) in
            try a.expect(1...1, keywords: ["key", "reverse"], ts)
            let items = try ts.collect(a[0])
            do throws(PyError) {
                return ts.newList(try sortedByKey(ts, items, a))
            } catch {
                for v in items { ts.decref(v) }
                throw error
            }
        },
        Builtin("reversed") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return try ts.reversedIterator(a[0])
        },
        Builtin("enumerate") { ts, a throws(PyError) in
            try a.expect(1...2, keywords: ["start"], ts)
            let start = try (a.count == 2 ? a[1] : a.keyword("start")).map { (v: PyValue) throws(PyError) in try ts.intArgument(v, "start") } ?? 0
            return try ts.lazyIterator(.enumerate, function: .none, sources: [a[0]], start: start)
        },
        Builtin("zip") { ts, a throws(PyError) in
            try a.expect(0...Int.max, ts)
            return try ts.lazyIterator(.zip, function: .none, sources: (0..<a.count).map { a[$0] })
        },
        Builtin("any") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let items = try ts.collect(a[0])
            defer { for v in items { ts.decref(v) } }
            for v in items where try ts.truthy(v) { return .true }
            return .false
        },
        Builtin("all") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let items = try ts.collect(a[0])
            defer { for v in items { ts.decref(v) } }
            for v in items where try !ts.truthy(v) { return .false }
            return .true
        },
        Builtin("divmod") { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let q = try ts.binary(.binaryFloorDiv, a[0], a[1])
            let r = try ts.binary(.binaryMod, a[0], a[1])
            return ts.newTuple([q, r])
        },
        Builtin("pow") { ts, a throws(PyError) in
            try a.expect(2...3, ts)
            if a.count == 3 {
                guard let b = ts.integerValue(a[0]), let e = ts.integerValue(a[1]), let m = ts.integerValue(a[2]) else {
                    throw ts.typeError("pow() 3rd argument not allowed unless all arguments are integers")
                }
                if m.isZero { throw ts.valueError("pow() 3rd argument cannot be 0") }
                if e.sign == .minus {
                    // The modular inverse, raised to -e (CPython 3.8+).
                    let modulus = BigInt(m.magnitude)
                    guard let inverse = Builtins.modularInverse(PyNumbers.floorDivMod(b, modulus).1, modulus) else {
                        throw ts.valueError("base is not invertible for the given modulus")
                    }
                    return ts.newInt(PyNumbers.floorDivMod(inverse.power(-e, modulus: modulus), m).1)
                }
                return ts.newInt(PyNumbers.floorDivMod(b.power(e, modulus: m), m).1)
            }
            return try ts.binary(.binaryPow, a[0], a[1])
        },
        Builtin("chr") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let code = try ts.intArgument(a[0], "chr() argument")
            guard (0..<0x110000).contains(code) else { throw ts.valueError("chr() arg not in range(0x110000)") }
            guard let scalar = Unicode.Scalar(UInt32(code)) else {
                throw ts.valueError("conclab's Python does not support a lone surrogate (chr(\(code)))")
            }
            return ts.newString(String(Character(scalar)))
        },
        Builtin("ord") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            guard let s = ts.string(a[0]), s.unicodeScalars.count == 1, let c = s.unicodeScalars.first else {
                throw ts.typeError("ord() expected a character")
            }
            return .int(Int(c.value))
        },
        Builtin("hex") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            guard let i = ts.integerValue(a[0]) else { throw ts.typeError("'\(ts.typeName(a[0]))' object cannot be interpreted as an integer") }
            return ts.newString((i < 0 ? "-0x" : "0x") + String(i.magnitude, radix: 16))
        },
        Builtin("open") { ts, a throws(PyError) in
            // The file classes are the io module's Python; open() is its open (PyFileModule.swift).
            let io = try ts.importModule("io")
            let open = try ts.moduleAttribute(io, ts.runtime.intern("open"))
            defer { ts.decref(open) }
            return try ts.call(open, (0..<a.count).map { a[$0] }, keywords: a.keywords)
        },
        Builtin("oct") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            guard let i = ts.integerValue(a[0]) else { throw ts.typeError("'\(ts.typeName(a[0]))' object cannot be interpreted as an integer") }
            return ts.newString((i < 0 ? "-0o" : "0o") + String(i.magnitude, radix: 8))
        },
        Builtin("bin") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            guard let i = ts.integerValue(a[0]) else { throw ts.typeError("'\(ts.typeName(a[0]))' object cannot be interpreted as an integer") }
            return ts.newString((i < 0 ? "-0b" : "0b") + String(i.magnitude, radix: 2))
        },
        Builtin("callable") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let v = a[0]
            if v.isObject, v.object.kind == .instance {
                return .bool(unsafeDowncast(v.object, to: PyInstance.self).cls.lookup(ts.runtime.intern("__call__")) != nil)
            }
            if v.isObject, v.object.kind == .descriptor { return .bool(unsafeDowncast(v.object, to: PyDescriptor.self).flavor == .staticmethod) }
            return .bool(v.isBuiltin || (v.isObject && [.function, .cls, .method, .builtinMethod, .native].contains(v.object.kind)))
        },
        Builtin("hasattr") { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            guard let n = ts.string(a[1]) else { throw ts.typeError("hasattr(): attribute name must be string") }
            do throws(PyError) {
                let v = try ts.getAttribute(a[0], ts.runtime.intern(n))
                ts.decref(v)
                return .true
            } catch {
                if error.type.isSubclass(of: ts.runtime.classes.attributeError) { return .false }
                throw error
            }
        },
        Builtin("getattr") { ts, a throws(PyError) in
            try a.expect(2...3, ts)
            guard let n = ts.string(a[1]) else { throw ts.typeError("getattr(): attribute name must be string") }
            do throws(PyError) {
                return try ts.getAttribute(a[0], ts.runtime.intern(n))
            } catch {
                if a.count == 3 && error.type.isSubclass(of: ts.runtime.classes.attributeError) { ts.incref(a[2]); return a[2] }
                throw error
            }
        },
        Builtin("setattr") { ts, a throws(PyError) in
            try a.expect(3...3, ts)
            guard let n = ts.string(a[1]) else { throw ts.typeError("setattr(): attribute name must be string") }
            ts.incref(a[2])
            do throws(PyError) { try ts.setAttribute(a[0], ts.runtime.intern(n), a[2]) } catch { ts.decref(a[2]); throw error }
            return .none
        },

        // MARK: list methods
        Builtin("append", on: .list) { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let list = unsafeDowncast(a[0].object, to: PyList.self)
            try ts.check(list)
            guard list.items.withLock({ $0.count }) < ts.runtime.limits.listItems else { throw ts.memoryError(ts.runtime.limits.listMessage) }
            ts.incref(a[1])
            list.items.withLock { $0.append(a[1]) }
            return .none
        },
        Builtin("pop", on: .list) { ts, a throws(PyError) in
            try a.expect(1...2, ts)
            let list = unsafeDowncast(a[0].object, to: PyList.self)
            try ts.check(list)
            let index = a.count == 2 ? try ts.intArgument(a[1], "index") : -1
            var failure: PyError?
            let v = list.items.withLock { items -> PyValue in
                if items.isEmpty { failure = ts.error(ts.runtime.classes.indexError, "pop from empty list"); return .none }
                let i = index < 0 ? index + items.count : index
                guard i >= 0 && i < items.count else { failure = ts.error(ts.runtime.classes.indexError, "pop index out of range"); return .none }
                return items.remove(at: i)
            }
            if let failure { throw failure }
            return v
        },
        Builtin("insert", on: .list) { ts, a throws(PyError) in
            try a.expect(3...3, ts)
            let list = unsafeDowncast(a[0].object, to: PyList.self)
            try ts.check(list)
            let index = try ts.intArgument(a[1], "index")
            guard list.items.withLock({ $0.count }) < ts.runtime.limits.listItems else { throw ts.memoryError(ts.runtime.limits.listMessage) }
            ts.incref(a[2])
            list.items.withLock { items in
                var i = index < 0 ? index + items.count : index
                i = min(max(0, i), items.count)
                items.insert(a[2], at: i)
            }
            return .none
        },
        Builtin("extend", on: .list) { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let list = unsafeDowncast(a[0].object, to: PyList.self)
            try ts.check(list)
            if ts.mode == .locked, a[1].isObject, a[1].objectKind == .list {
                try ts.extendLocked(list, with: unsafeDowncast(a[1].object, to: PyList.self))
                return .none
            }
            let items = try ts.collect(a[1])
            guard list.items.withLock({ $0.count }) + items.count <= ts.runtime.limits.listItems else {
                for v in items { ts.decref(v) }
                throw ts.memoryError(ts.runtime.limits.listMessage)
            }
            list.items.withLock { $0 += items }
            return .none
        },
        Builtin("index", on: .list) { ts, a throws(PyError) in
            try sequenceIndex(ts, a) { ts throws(PyError) in "\(try ts.repr(a[1])) is not in list" }
        },
        Builtin("count", on: .list) { ts, a throws(PyError) in try sequenceCount(ts, a) },
        Builtin("remove", on: .list) { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let list = unsafeDowncast(a[0].object, to: PyList.self)
            let items = list.items.withLock { $0 }
            for (i, v) in items.enumerated() where try ts.equals(v, a[1]) {
                let removed = list.items.withLock { items -> PyValue? in
                    guard i < items.count, items[i] == v else { return nil }
                    return items.remove(at: i)
                }
                if let removed { ts.decref(removed) }
                return .none
            }
            throw ts.valueError("list.remove(x): x not in list")
        },
        Builtin("reverse", on: .list) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            unsafeDowncast(a[0].object, to: PyList.self).items.withLock { $0.reverse() }
            return .none
        },
        Builtin("sort", on: .list) { ts, a throws(PyError) in
            try a.expect(1...1, keywords: ["key", "reverse"], ts)
            let list = unsafeDowncast(a[0].object, to: PyList.self)
            let items = list.items.withLock { $0 }
            let result = try sortedByKey(ts, items, a)
            list.items.withLock { $0 = result }
            return .none
        },
        Builtin("copy", on: .list) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let items = ts.sequenceItems(a[0].object)
            for v in items { ts.incref(v) }
            return ts.newList(items)
        },
        Builtin("clear", on: .list) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let old = unsafeDowncast(a[0].object, to: PyList.self).items.withLock { items in defer { items = [] }; return items }
            for v in old { ts.decref(v) }
            return .none
        },

        // MARK: dict methods
        Builtin("get", on: .dict) { ts, a throws(PyError) in
            try a.expect(2...3, ts)
            if let v = try ts.dictGet(unsafeDowncast(a[0].object, to: PyDict.self), a[1]) { return v }
            let d = a.count == 3 ? a[2] : .none
            ts.incref(d)
            return d
        },
        Builtin("keys", on: .dict) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            ts.incref(a[0])
            return ts.allocate(PyDictView(.keys, dict: a[0], id: ts.runtime.heap.newID(), owner: ts.ownerForNew))
        },
        Builtin("values", on: .dict) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            ts.incref(a[0])
            return ts.allocate(PyDictView(.values, dict: a[0], id: ts.runtime.heap.newID(), owner: ts.ownerForNew))
        },
        Builtin("items", on: .dict) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            ts.incref(a[0])
            return ts.allocate(PyDictView(.items, dict: a[0], id: ts.runtime.heap.newID(), owner: ts.ownerForNew))
        },
        Builtin("pop", on: .dict) { ts, a throws(PyError) in
            if a.count > 0, a[0].isObject, a[0].objectKind == .dict { try ts.refuseSnapshotChange(unsafeDowncast(a[0].object, to: PyDict.self)) }
            try a.expect(2...3, ts)
            let key = try ts.dictKey(a[1])
            let removed = unsafeDowncast(a[0].object, to: PyDict.self).storage.withLock { s -> (PyValue, PyValue)? in
                guard let i = s.keys[key], let e = s.entries[i] else { return nil }
                s.keys[key] = nil
                s.entries[i] = nil
                return (e.key, e.value)
            }
            if let removed { ts.decref(removed.0); return removed.1 }
            if a.count == 3 { ts.incref(a[2]); return a[2] }
            throw try ts.keyError(a[1])
        },
        Builtin("setdefault", on: .dict) { ts, a throws(PyError) in
            if a.count > 0, a[0].isObject, a[0].objectKind == .dict { try ts.refuseSnapshotChange(unsafeDowncast(a[0].object, to: PyDict.self)) }
            try a.expect(2...3, ts)
            let d = unsafeDowncast(a[0].object, to: PyDict.self)
            if let v = try ts.dictGet(d, a[1]) { return v }
            let value = a.count == 3 ? a[2] : .none
            try ts.dictSet(d, a[1], value)
            ts.incref(value)
            return value
        },

        Builtin("update", on: .dict) { ts, a throws(PyError) in
            if a.count > 0, a[0].isObject, a[0].objectKind == .dict { try ts.refuseSnapshotChange(unsafeDowncast(a[0].object, to: PyDict.self)) }
            // Whatever dict() takes (a dict, a mapping, pairs, keywords), merged in: later keys win.
            try a.expect(1...2, keywords: a.keywords.map(\.0), ts)
            var rest: [PyValue] = []
            for i in 1..<a.count { rest.append(a[i]) }
            let merged = try ts.call(.builtin(Builtins.index(of: "dict")!), rest, keywords: a.keywords)
            defer { ts.decref(merged) }
            let target = unsafeDowncast(a[0].object, to: PyDict.self)
            for e in unsafeDowncast(merged.object, to: PyDict.self).storage.withLock({ $0.entries.compactMap { $0 } }) {
                try ts.dictSet(target, e.key, e.value)
            }
            return .none
        },
        Builtin("clear", on: .dict) { ts, a throws(PyError) in
            if a.count > 0, a[0].isObject, a[0].objectKind == .dict { try ts.refuseSnapshotChange(unsafeDowncast(a[0].object, to: PyDict.self)) }
            try a.expect(1...1, ts)
            let old = unsafeDowncast(a[0].object, to: PyDict.self).storage.withLock { s in
                defer { s = PyDictStorage() }
                return s.entries.compactMap { $0 }
            }
            for e in old { ts.decref(e.key); ts.decref(e.value) }
            return .none
        },
        Builtin("copy", on: .dict) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return try ts.call(.builtin(Builtins.index(of: "dict")!), [a[0]])
        },
        Builtin("popitem", on: .dict) { ts, a throws(PyError) in
            if a.count > 0, a[0].isObject, a[0].objectKind == .dict { try ts.refuseSnapshotChange(unsafeDowncast(a[0].object, to: PyDict.self)) }
            // The last pair put in, as CPython's dicts (LIFO).
            try a.expect(1...1, ts)
            let d = unsafeDowncast(a[0].object, to: PyDict.self)
            guard let (k, v) = try d.storage.withLock({ s throws(PyError) -> (PyValue, PyValue)? in
                guard let i = s.entries.lastIndex(where: { $0 != nil }), let e = s.entries[i] else { return nil }
                s.keys[try ts.dictKey(e.key)] = nil
                s.entries.removeSubrange(i...)
                return (e.key, e.value)
            }) else { throw ts.keyError(saying: "popitem(): dictionary is empty") }
            return ts.newTuple([k, v])
        },
        Builtin("index", on: .tuple) { ts, a throws(PyError) in
            try sequenceIndex(ts, a) { _ throws(PyError) in "tuple.index(x): x not in tuple" }
        },
        Builtin("count", on: .tuple) { ts, a throws(PyError) in try sequenceCount(ts, a) },

        // MARK: Lock methods
        Builtin("acquire", on: .lock) { ts, a throws(PyError) in
            try a.expect(1...3, keywords: ["blocking", "timeout"], ts)
            let blocking = try (a.count >= 2 ? a[1] : a.keyword("blocking")).map { (v: PyValue) throws(PyError) in try ts.truthy(v) } ?? true
            // CPython: -1 (the default) waits for ever; any other negative timeout is an error.
            var timeout = a.count >= 3 ? a[2] : a.keyword("timeout")
            if let t = timeout, ts.asInt(t) == -1 { timeout = nil }
            let ns = try TimeModule.timeout(ts, timeout, message: "timeout value must be positive")
            if !blocking && ns != nil { throw ts.valueError("can't specify a timeout for a non-blocking call") }
            return .bool(try ts.lockAcquire(unsafeDowncast(a[0].object, to: PyLock.self), blocking: blocking, timeoutNanoseconds: ns))
        },
        Builtin("release", on: .lock) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            try ts.lockRelease(unsafeDowncast(a[0].object, to: PyLock.self))
            return .none
        },
        Builtin("locked", on: .lock) { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return .bool(unsafeDowncast(a[0].object, to: PyLock.self).isLocked)
        },
    ] + functionsAndCollections + textMethods + numberFunctions + bytesFunctions + descriptorFunctions
}

extension String {
    /// Splits on every occurrence of `separator` (Python's str.split(sep)).
    package func pySplit(_ separator: String) -> [String] {
        let s = Array(self), sep = Array(separator)
        var parts: [String] = []
        var current: [Character] = []
        var i = 0
        while i < s.count {
            if i + sep.count <= s.count && Array(s[i..<(i + sep.count)]) == sep {
                parts.append(String(current))
                current = []
                i += sep.count
            } else {
                current.append(s[i])
                i += 1
            }
        }
        parts.append(String(current))
        return parts
    }
}

extension Character {
    /// White space as Python's `str.isspace()` (and so `str.strip()` and `int()`) sees it: Unicode white space,
    /// CR LF included, and the separators U+001C to U+001F.
    package var isPythonWhitespace: Bool { isWhitespace || ("\u{1C}"..."\u{1F}").contains(self) }
}
