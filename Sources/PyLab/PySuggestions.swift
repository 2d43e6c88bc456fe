import LabCore

/// CPython 3.11's "Did you mean" for a NameError or an AttributeError, which its traceback adds to the last line
/// (`str(e)` stays without it): the candidate within the fewest edits, if it is close enough.
///
/// The rule, as Python/suggestions.c of 3.11 states it: a deletion, an insertion or a substitution costs 2, a
/// substitution of the same letter in the other case costs 1; common prefixes and suffixes are free; a candidate
/// is close enough when its cost is at most (its length + the name's length + 3) × 2 / 6 and below the best one
/// so far, so the first of equally close candidates wins. Names longer than 40 characters, and lists of 750
/// candidates or more, get no suggestion.
package enum NameSuggestion {
    static let moveCost = 2
    static let caseCost = 1
    static let maxLength = 40
    static let maxCandidates = 750

    /// The candidate to suggest for `name`, nil for none.
    package static func closest(to name: String, among candidates: [String]) -> String? {
        guard candidates.count < maxCandidates else { return nil }
        let target = Array(name.utf8)
        var best: String?
        var bestCost = Int.max
        for candidate in candidates where candidate != name {
            let other = Array(candidate.utf8)
            let limit = min((target.count + other.count + 3) * moveCost / 6, bestCost - 1)
            let cost = distance(target[...], other[...], limit: limit)
            if cost <= limit && cost < bestCost {
                best = candidate
                bestCost = cost
            }
        }
        return best
    }

    /// The edit cost from `a` to `b`, or more than `limit` once it is sure to pass it.
    static func distance(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>, limit: Int) -> Int {
        var a = a, b = b
        while let x = a.first, let y = b.first, x == y { a = a.dropFirst(); b = b.dropFirst() }
        while let x = a.last, let y = b.last, x == y { a = a.dropLast(); b = b.dropLast() }
        if a.isEmpty || b.isEmpty { return (a.count + b.count) * moveCost }
        if a.count > maxLength || b.count > maxLength { return limit + 1 }
        if b.count < a.count { swap(&a, &b) }
        if (b.count - a.count) * moveCost > limit { return limit + 1 }
        // One row of the edit-cost table, rewritten for each character of the longer name.
        var row = (1...a.count).map { $0 * moveCost }
        var result = 0
        for (j, code) in b.enumerated() {
            var diagonal = j * moveCost
            result = diagonal
            var smallest = Int.max
            for (i, c) in a.enumerated() {
                let substitute = diagonal + substitutionCost(code, c)
                diagonal = row[i]
                result = min(min(result, diagonal) + moveCost, substitute)
                row[i] = result
                smallest = min(smallest, result)
            }
            if smallest > limit { return limit + 1 }
        }
        return result
    }

    static func substitutionCost(_ x: UInt8, _ y: UInt8) -> Int {
        if x == y { return 0 }
        func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c + 32 : c }
        return lower(x) == lower(y) ? caseCost : moveCost
    }

    /// CPython 3.11's built-in names in the order of its builtins module's dictionary (the order ties are decided
    /// in); conclab offers those of them it has, and none of its own extras, which python3 would not suggest.
    static let builtinOrder = [
        "__build_class__", "__import__", "abs", "all", "any", "ascii", "bin", "breakpoint", "callable", "chr", "compile",
        "delattr", "dir", "divmod", "eval", "exec", "format", "getattr", "globals", "hasattr", "hash", "hex", "id", "input",
        "isinstance", "issubclass", "iter", "aiter", "len", "locals", "max", "min", "next", "anext", "oct", "ord", "pow",
        "print", "repr", "round", "setattr", "sorted", "sum", "vars", "None", "Ellipsis", "NotImplemented", "False", "True",
        "bool", "memoryview", "bytearray", "bytes", "classmethod", "complex", "dict", "enumerate", "filter", "float",
        "frozenset", "property", "int", "list", "map", "object", "range", "reversed", "set", "slice", "staticmethod", "str",
        "super", "tuple", "type", "zip", "__debug__", "BaseException", "BaseExceptionGroup", "Exception", "GeneratorExit",
        "KeyboardInterrupt", "SystemExit", "ArithmeticError", "AssertionError", "AttributeError", "BufferError", "EOFError",
        "ImportError", "LookupError", "MemoryError", "NameError", "OSError", "ReferenceError", "RuntimeError",
        "StopAsyncIteration", "StopIteration", "SyntaxError", "SystemError", "TypeError", "ValueError", "Warning",
        "FloatingPointError", "OverflowError", "ZeroDivisionError", "BytesWarning", "DeprecationWarning", "EncodingWarning",
        "FutureWarning", "ImportWarning", "PendingDeprecationWarning", "ResourceWarning", "RuntimeWarning", "SyntaxWarning",
        "UnicodeWarning", "UserWarning", "BlockingIOError", "ChildProcessError", "ConnectionError", "FileExistsError",
        "FileNotFoundError", "InterruptedError", "IsADirectoryError", "NotADirectoryError", "PermissionError",
        "ProcessLookupError", "TimeoutError", "IndentationError", "IndexError", "KeyError", "ModuleNotFoundError",
        "NotImplementedError", "RecursionError", "UnboundLocalError", "UnicodeError", "BrokenPipeError",
        "ConnectionAbortedError", "ConnectionRefusedError", "ConnectionResetError", "TabError", "UnicodeDecodeError",
        "UnicodeEncodeError", "UnicodeTranslateError", "ExceptionGroup", "EnvironmentError", "IOError", "open", "quit",
        "exit", "copyright", "credits", "license", "help",
    ]
}

extension PyThreadState {
    /// `name 'x' is not defined`, with the suggestion CPython 3.11 would print: from the running function's local
    /// names, then the globals that are bound, then the built-ins. Worked out only when the traceback is printed.
    func nameError(_ name: String) -> PyError {
        var e = error(runtime.classes.nameError, "name '\(name)' is not defined")
        let d = depth.pointee
        let locals = d > 0 ? frames[d - 1].code.takeUnretainedValue().localNames : []
        let runtime = self.runtime
        e.hint = { [locals] in
            if let s = NameSuggestion.closest(to: name, among: locals) { return s }
            let names = runtime.symbols.withLock { $0.globalNames }
            var globals: [String] = []
            for (slot, n) in names.enumerated() where !n.contains(".") && runtime.globals.load(slot) != .unbound { globals.append(n) }
            if let s = NameSuggestion.closest(to: name, among: globals) { return s }
            let builtins = Set(runtime.builtinValues.keys)
            return NameSuggestion.closest(to: name, among: NameSuggestion.builtinOrder.filter { builtins.contains($0) })
        }
        return e
    }

    /// `obj.name` not found: the AttributeError, with CPython 3.11's suggestion from `dir(obj)` (sorted), worked out
    /// only when the traceback is printed.
    func missingAttributeError(_ obj: PyValue, _ name: Int) -> PyError {
        var e = attributeError(obj, name)
        let wanted = runtime.name(ofInterned: name)
        let candidates = attributeCandidates(obj)
        e.hint = { NameSuggestion.closest(to: wanted, among: candidates().sorted { PyKey.textPrecedes($0, $1) }) }
        return e
    }

    /// What `dir(obj)` would list, as far as conclab knows it, read when asked (the object is kept alive meanwhile).
    private func attributeCandidates(_ obj: PyValue) -> () -> [String] {
        let runtime = self.runtime
        guard obj.isObject else {
            let kind: PyKind? = obj.isInt || obj.isBool ? .bigint : nil
            return { kind.map { Self.methodNames(of: $0, runtime: runtime) } ?? [] }
        }
        let o = obj.object
        // The instance's own names now: a temporary instance (`Car().sped`) is freed, and emptied, before the
        // traceback is printed.
        var own: [Int] = []
        if o.kind == .instance, !o.isFreed {
            let inst = unsafeDowncast(o, to: PyInstance.self)
            if !inst.cls.threadLocal.load(ordering: .relaxed) { own = inst.attributes.withLock(alone: alone) { $0.names } }
        }
        return { [own] in
            switch o.kind {
            case .instance:
                let inst = unsafeDowncast(o, to: PyInstance.self)
                var names = Set(PyThreadState.objectDirNames)
                names.formUnion(own.map { runtime.name(ofInterned: $0) })
                for c in inst.cls.mro { names.formUnion(c.attributes.withLock { $0.names }.map { runtime.name(ofInterned: $0) }) }
                return Array(names)
            case .cls:
                var names = Set(PyThreadState.objectDirNames)
                for c in unsafeDowncast(o, to: PyClass.self).mro {
                    names.formUnion(c.attributes.withLock { $0.names }.map { runtime.name(ofInterned: $0) })
                }
                return Array(names)
            case .module:
                let prefix = unsafeDowncast(o, to: PyModule.self).prefix
                let names = runtime.symbols.withLock { $0.globalNames }
                return names.enumerated().compactMap { slot, n in
                    guard n.hasPrefix(prefix), runtime.globals.load(slot) != .unbound else { return nil }
                    let short = String(n.dropFirst(prefix.count))
                    return short.contains(".") ? nil : short
                }
            default:
                return Self.methodNames(of: o.kind, runtime: runtime)
            }
        }
    }

    /// The names of the built-in methods of a kind of value (`append`, `items`, …).
    private static func methodNames(of kind: PyKind, runtime: PyRuntime) -> [String] {
        // Numbers also have the data attributes `numberAttribute` answers.
        let data = kind == .bigint ? ["real", "imag", "numerator", "denominator"] : kind == .float ? ["real", "imag"] : []
        return data + (0..<runtime.methodNameCount).compactMap { id in
            Builtins.method(for: kind, name: id, runtime: runtime) != nil ? runtime.name(ofInterned: id) : nil
        }
    }
}
