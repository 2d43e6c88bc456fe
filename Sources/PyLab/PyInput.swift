/// What the Python prompt (`>>>`) needs to know about the lines typed so far: whether they make a whole statement
/// yet, or the prompt should ask for more with `...` — as CPython's interactive prompt decides it.
package enum PyInput {
    /// True while `source` is an unfinished statement: an open bracket or triple-quoted string, a line ending in a
    /// backslash, or a block (a first line ending in `:`) that has not been closed by an empty line.
    package static func needsMore(_ source: String) -> Bool {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var depth = 0
        var quote: Character?
        var triple = false
        var opensBlock = false
        var continued = false
        for (number, line) in lines.enumerated() {
            let chars = Array(line)
            var i = 0
            var lastSignificant: Character?
            continued = false
            if quote != nil && !triple { quote = nil }   // a one-line string cannot run on: Python reports that error
            while i < chars.count {
                let c = chars[i]
                if let q = quote {
                    if c == "\\" { i += 2; continue }
                    if c == q {
                        if !triple { quote = nil }
                        else if i + 2 < chars.count && chars[i + 1] == q && chars[i + 2] == q { quote = nil; i += 3; lastSignificant = q; continue }
                    }
                    i += 1
                    continue
                }
                switch c {
                case "#": i = chars.count; continue
                case "'", "\"":
                    if i + 2 < chars.count && chars[i + 1] == c && chars[i + 2] == c { quote = c; triple = true; i += 3; continue }
                    quote = c
                    triple = false
                case "(", "[", "{": depth += 1
                case ")", "]", "}": depth = max(0, depth - 1)
                case "\\" where i == chars.count - 1: continued = true
                default: break
                }
                if c != " " && c != "\t" && !(c == "\\" && continued) { lastSignificant = c }
                i += 1
            }
            if number == 0 || (depth == 0 && quote == nil && !opensBlock) {
                if lastSignificant == ":" && depth == 0 && quote == nil { opensBlock = true }
            }
        }
        if quote != nil && triple { return true }
        if depth > 0 || continued { return true }
        // A compound statement waits for an empty line even when its body is on the same line (`for t in ts: t.join()`),
        // as at CPython's prompt.
        let firstWord = lines.first.map { String($0.drop { $0 == " " || $0 == "\t" }.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "@" }) } ?? ""
        if ["for", "while", "if", "def", "class", "with", "try", "async"].contains(firstWord) || firstWord.hasPrefix("@") {
            opensBlock = true
        }
        if opensBlock {
            // A block ends with an empty line, as at CPython's prompt.
            return !(lines.count > 1 && lines.last!.allSatisfy { $0 == " " || $0 == "\t" })
        }
        return false
    }
}

extension PyInput {
    /// Python's keywords a learner completes at the prompt.
    static let keywords = ["False", "None", "True", "and", "as", "assert", "break", "class", "continue", "def", "del",
                           "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
                           "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield"]

    /// What Tab offers for the name being typed at the end of `before`: the interpreter's global names, its
    /// built-ins and the keywords that start with it, sorted; with the name's typed part.
    package static func completions(_ before: String, runtime: PyRuntime) -> (partial: String, candidates: [String]) {
        let partial = String(before.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" }.reversed())
        guard !partial.isEmpty, !(partial.first?.isNumber ?? false) else { return (partial, []) }
        // After a dot it would be an attribute: conclab does not guess those.
        if before.dropLast(partial.count).last == "." { return (partial, []) }
        var names = Set(runtime.symbols.withLock { $0.globalNames })
        names.formUnion(runtime.builtinValues.keys)
        names.formUnion(keywords)
        return (partial, names.filter { $0.hasPrefix(partial) && !$0.hasPrefix("__") }.sorted())
    }
}
