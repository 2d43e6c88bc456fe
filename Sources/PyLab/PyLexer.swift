import LabCore
import BigInt
/// Where something is in a snippet: 1-based line and column, as Python reports them.
package struct SourcePosition: Sendable, Equatable {
    package var line: Int
    package var column: Int
    package static let unknown = SourcePosition(line: 0, column: 0)
}

/// A snippet that is not valid (supported) Python: the message, where, and the line for a caret.
package struct PySyntaxError: Error, Sendable, CustomStringConvertible {
    package var message: String
    package var position: SourcePosition
    package var sourceLine: String = ""
    /// "SyntaxError", or its subclass "IndentationError" for a block's indentation.
    package var typeName = "SyntaxError"

    /// The same error as an IndentationError.
    package var indentation: PySyntaxError {
        var e = self
        e.typeName = "IndentationError"
        return e
    }

    package var description: String {
        var text = "\(typeName): \(message) (line \(position.line), column \(position.column))"
        if !sourceLine.isEmpty {
            // A long line is shown as the 100 characters around the column, so the caret still points at it.
            let chars = Array(sourceLine)
            let column = max(0, position.column - 1)
            let start = max(0, min(column - 60, chars.count - 100))
            let end = min(chars.count, start + 100)
            let shown = (start > 0 ? "…" : "") + String(chars[start..<end]) + (end < chars.count ? "…" : "")
            text += "\n    " + shown + "\n    " + String(repeating: " ", count: column - start + (start > 0 ? 1 : 0)) + "^"
        }
        return text
    }
}

package enum TokenKind: Sendable, Equatable {
    case name(String)
    case int(Int)
    case float(Double)
    case bigInt(BigInt)
    case string(String)
    /// A bytes literal `b"…"`, its escapes decoded.
    case bytes([UInt8])
    /// An f-string's raw text between the quotes (its `{…}` parts are parsed later).
    case fstring(String)
    case op(String)
    case keyword(String)
    case newline
    case indent
    case dedent
    case end
}

package struct Token: Sendable, Equatable {
    package var kind: TokenKind
    package var position: SourcePosition
}

/// Splits Python source into tokens, with INDENT/DEDENT for blocks, as Python's tokenizer does.
package struct Lexer {
    package static let keywords: Set<String> = [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
        "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
        "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
    ]

    private static let operators: [String] = [
        "**=", "//=", ">>=", "<<=", "...", "->",
        "**", "//", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", ">>", "<<", ":=",
        "+", "-", "*", "/", "%", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "&", "|", "^", "~", "@",
    ]

    package let chars: [Character]
    package let lines: [String]
    package var index = 0
    package var line = 1
    package var lineStart = 0
    package var tokens: [Token] = []
    package var indents = [0]
    package var depth = 0 // open brackets: newlines inside are not statement ends
    /// The brackets open now and where each opened, innermost last: for CPython's "'(' was never closed" and
    /// "closing parenthesis ')' does not match opening parenthesis '['".
    package var openBrackets: [(bracket: String, at: SourcePosition)] = []

    package init(_ source: String) {
        chars = Array(source)
        lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    package static func tokenize(_ source: String) throws(PySyntaxError) -> [Token] {
        var lexer = Lexer(source)
        try lexer.run()
        return lexer.tokens
    }

    package func error(_ message: String, _ position: SourcePosition) -> PySyntaxError {
        let text = position.line >= 1 && position.line <= lines.count ? lines[position.line - 1] : ""
        return PySyntaxError(message: message, position: position, sourceLine: text)
    }

    /// CPython's " (detected at line N)" after an unterminated string: the line the tokenizer was on, at most the
    /// source's last line (a final newline starts no line of its own).
    package func detectedAt(_ current: Int) -> String {
        let last = lines.count - (lines.last == "" && lines.count > 1 ? 1 : 0)
        return " (detected at line \(min(current, max(last, 1))))"
    }

    package var position: SourcePosition { SourcePosition(line: line, column: index - lineStart + 1) }

    package mutating func add(_ kind: TokenKind, _ position: SourcePosition) { tokens.append(Token(kind: kind, position: position)) }

    package mutating func run() throws(PySyntaxError) {
        var atLineStart = true
        while index < chars.count {
            if atLineStart && depth == 0 {
                atLineStart = false
                // Measure indentation; blank and comment-only lines do not count.
                var width = 0
                var i = index
                while i < chars.count, chars[i] == " " || chars[i] == "\t" || chars[i] == "\u{0C}" {
                    width = chars[i] == "\t" ? (width / 8 + 1) * 8 : width + 1
                    i += 1
                }
                if i >= chars.count || chars[i] == "\n" || chars[i] == "#" || chars[i] == "\r" {
                    index = i
                    skipToLineEnd()
                    if index < chars.count { newLine() }
                    atLineStart = true
                    continue
                }
                index = i
                let pos = position
                if width > indents[indents.count - 1] {
                    indents.append(width)
                    add(.indent, pos)
                } else {
                    while width < indents[indents.count - 1] {
                        indents.removeLast()
                        add(.dedent, pos)
                    }
                    if width != indents[indents.count - 1] {
                        throw error("unindent does not match any outer indentation level", pos).indentation
                    }
                }
            }
            let c = chars[index]
            if c == "\n" {
                if depth == 0 { add(.newline, position) }
                newLine()
                // Inside brackets the next line continues this statement: no indentation to measure, and once its
                // bracket closes, the newline after it still ends the statement.
                atLineStart = depth == 0
                continue
            }
            if c == " " || c == "\t" || c == "\r" || c == "\u{0C}" { index += 1; continue }
            if c == "#" { skipToLineEnd(); continue }
            if c == "\\" {
                let pos = position
                if index + 1 < chars.count && chars[index + 1] == "\n" {
                    index += 1
                    newLine()
                    continue
                }
                throw error("unexpected character after line continuation character", pos)
            }
            if c.isLetter || c == "_" {
                try lexName()
                continue
            }
            if c.isNumber || (c == "." && index + 1 < chars.count && chars[index + 1].isNumber) {
                try lexNumber()
                continue
            }
            if c == "'" || c == "\"" {
                try lexString(prefix: "", start: position)
                continue
            }
            try lexOperator()
        }
        let pos = position
        if let open = openBrackets.last { throw error("'\(open.bracket)' was never closed", open.at) }
        if tokens.last.map({ $0.kind != .newline }) ?? false { add(.newline, pos) }
        while indents.count > 1 {
            indents.removeLast()
            add(.dedent, pos)
        }
        add(.end, pos)
    }

    package mutating func newLine() {
        index += 1
        line += 1
        lineStart = index
    }

    package mutating func skipToLineEnd() {
        while index < chars.count && chars[index] != "\n" { index += 1 }
    }

    package mutating func lexName() throws(PySyntaxError) {
        let start = position
        let begin = index
        while index < chars.count && (chars[index].isLetter || chars[index].isNumber || chars[index] == "_") { index += 1 }
        let word = String(chars[begin..<index])
        if index < chars.count && (chars[index] == "'" || chars[index] == "\"") {
            let lower = word.lowercased()
            if ["r", "f", "fr", "rf", "b", "br", "rb", "u"].contains(lower) {
                if lower.contains("b") { try lexBytes(raw: lower.contains("r"), start: start) } else {
                    try lexString(prefix: lower, start: start)
                }
                return
            }
        }
        add(Self.keywords.contains(word) ? .keyword(word) : .name(word), start)
    }

    /// An integer (any size: past 63 bits it is a big integer constant) or a float: `1.5`, `1e-3`, `.5`, `1_000.0`, `1.`.
    package mutating func lexNumber() throws(PySyntaxError) {
        let start = position
        let begin = index
        var radix = 10
        if chars[index] == "0" && index + 1 < chars.count && "xXoObB".contains(chars[index + 1]) {
            radix = "xX".contains(chars[index + 1]) ? 16 : "oO".contains(chars[index + 1]) ? 8 : 2
            index += 2
        }
        func digitRun(_ allowHex: Bool) {
            while index < chars.count && ((allowHex ? chars[index].isHexDigit : chars[index].isASCII && chars[index].isNumber) || chars[index] == "_") {
                index += 1
            }
        }
        digitRun(radix == 16)
        var isFloat = false
        if radix == 10 {
            if index < chars.count && chars[index] == "." {
                isFloat = true
                index += 1
                digitRun(false)
            }
            if index < chars.count && (chars[index] == "e" || chars[index] == "E") {
                let save = index
                index += 1
                if index < chars.count && (chars[index] == "+" || chars[index] == "-") { index += 1 }
                if index < chars.count && chars[index].isASCII && chars[index].isNumber {
                    digitRun(false)
                    isFloat = true
                } else {
                    index = save
                }
            }
            if index < chars.count && (chars[index] == "j" || chars[index] == "J") {
                throw error("conclab's Python does not support complex numbers", start)
            }
        }
        if index < chars.count && (chars[index].isLetter || chars[index] == "_" || chars[index].isNumber) {
            throw error(radix == 10 ? "invalid decimal literal" : "invalid number literal", start)
        }
        var text = String(chars[begin..<index])
        if radix != 10 { text = String(text.dropFirst(2)) }
        if text.hasSuffix("_") || text.contains("__") || text.contains("_.") || text.contains("._") || text.isEmpty
            || text.contains("_e") || text.contains("_E") || text.contains("e_") || text.contains("E_") {
            throw error("invalid decimal literal", start)
        }
        text = text.filter { $0 != "_" }
        if isFloat {
            guard let value = Double(text) else { throw error("invalid decimal literal", start) }
            add(.float(value), start)
            return
        }
        if radix == 10 && text.count > 1 && text.hasPrefix("0") && text.contains(where: { $0 != "0" }) {
            throw error("leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers", start)
        }
        if let value = Int(text, radix: radix), PyValue.checkedInt(value) != nil {
            add(.int(value), start)
        } else if let big = BigInt(text, radix: radix) {
            add(.bigInt(big), start)
        } else {
            throw error("invalid number literal", start)
        }
    }

    package mutating func lexString(prefix: String, start: SourcePosition) throws(PySyntaxError) {
        let quote = chars[index]
        var triple = false
        if index + 2 < chars.count && chars[index + 1] == quote && chars[index + 2] == quote {
            triple = true
            index += 3
        } else {
            index += 1
        }
        let raw = prefix.contains("r")
        let isF = prefix.contains("f")
        let literalStart = index
        var text = ""
        while true {
            guard index < chars.count else {
                throw error((triple ? "unterminated triple-quoted string literal" : "unterminated string literal") + detectedAt(line), start)
            }
            let c = chars[index]
            if c == quote {
                if !triple { index += 1; break }
                if index + 2 < chars.count && chars[index + 1] == quote && chars[index + 2] == quote {
                    index += 3
                    break
                }
            }
            if c == "\n" {
                if !triple { throw error("unterminated string literal" + detectedAt(line), start) }
                text.append(c)
                newLine()
                continue
            }
            if c == "\\" && index + 1 < chars.count {
                let next = chars[index + 1]
                if raw || isF {
                    // Raw strings keep backslashes; f-strings decode escapes after splitting out {…}.
                    text.append(c)
                    text.append(next)
                    if next == "\n" { index += 1; newLine() } else { index += 2 }
                    continue
                }
                if next == "\n" {
                    index += 2
                    line += 1
                    lineStart = index
                    continue
                }
                index += 1
                switch Self.strEscape(chars, &index, literalStart: literalStart) {
                case .text(let decoded): text += decoded
                case .invalid(let message): throw error(message, start)
                }
                continue
            }
            text.append(c)
            index += 1
        }
        add(isF ? .fstring(text) : .string(text), start)
    }

    /// `b"…"`, `rb'…'`: ASCII characters only, with the escapes bytes have (`\xhh`, octal `\ooo`, `\n` …, but not
    /// `\u`, which stays as written, as in CPython).
    package mutating func lexBytes(raw: Bool, start: SourcePosition) throws(PySyntaxError) {
        let quote = chars[index]
        let triple = index + 2 < chars.count && chars[index + 1] == quote && chars[index + 2] == quote
        index += triple ? 3 : 1
        var bytes: [UInt8] = []
        func ascii(_ c: Character) throws(PySyntaxError) {
            guard let value = c.asciiValue else { throw error("bytes can only contain ASCII literal characters", start) }
            bytes.append(value)
        }
        while true {
            guard index < chars.count else {
                throw error(triple ? "unterminated triple-quoted bytes literal" : "unterminated bytes literal", start)
            }
            let c = chars[index]
            if c == quote && (!triple || (index + 2 < chars.count && chars[index + 1] == quote && chars[index + 2] == quote)) {
                index += triple ? 3 : 1
                break
            }
            if c == "\n" {
                if !triple { throw error("unterminated bytes literal", start) }
                bytes.append(10)
                newLine()
                continue
            }
            guard c == "\\", index + 1 < chars.count else {
                try ascii(c)
                index += 1
                continue
            }
            let next = chars[index + 1]
            if raw {
                bytes.append(92)
                if next == "\n" { bytes.append(10); index += 1; newLine() } else { try ascii(next); index += 2 }
                continue
            }
            index += 2
            let simple: [Character: UInt8] = ["n": 10, "t": 9, "r": 13, "a": 7, "b": 8, "f": 12, "v": 11, "\\": 92, "'": 39, "\"": 34]
            if let value = simple[next] {
                bytes.append(value)
            } else if next == "\n" {
                line += 1
                lineStart = index
            } else if next == "x" {
                guard index + 2 <= chars.count, let value = UInt8(String(chars[index..<(index + 2)]), radix: 16) else {
                    throw error("invalid \\x escape at position \(bytes.count)", start)
                }
                bytes.append(value)
                index += 2
            } else if ("0"..."7").contains(next) {
                var value = next.wholeNumberValue ?? 0
                var digits = 1
                while digits < 3, index < chars.count, ("0"..."7").contains(chars[index]) {
                    value = value * 8 + (chars[index].wholeNumberValue ?? 0)
                    index += 1
                    digits += 1
                }
                bytes.append(UInt8(truncatingIfNeeded: value))
            } else {
                bytes.append(92)
                try ascii(next)
            }
        }
        add(.bytes(bytes), start)
    }

    package mutating func lexOperator() throws(PySyntaxError) {
        let start = position
        for op in Self.operators {
            let n = op.count
            guard index + n <= chars.count else { continue }
            var matches = true
            var k = 0
            for ch in op {
                if chars[index + k] != ch { matches = false; break }
                k += 1
            }
            if matches {
                index += n
                if op == "(" || op == "[" || op == "{" {
                    depth += 1
                    openBrackets.append((op, start))
                    // CPython's tokenizer stops at the same depth, with the same words.
                    if depth > Parser.maxNesting { throw error("too many nested parentheses", start) }
                }
                if op == ")" || op == "]" || op == "}" {
                    if depth == 0 { throw error("unmatched '\(op)'", start) }
                    if let open = openBrackets.popLast(), ["(": ")", "[": "]", "{": "}"][open.bracket] != op {
                        let whereOpened = open.at.line == start.line ? "" : " on line \(open.at.line)"
                        throw error("closing parenthesis '\(op)' does not match opening parenthesis '\(open.bracket)'\(whereOpened)", start)
                    }
                    depth -= 1
                }
                add(.op(op), start)
                return
            }
        }
        throw error("invalid character '\(chars[index])'", start)
    }

    /// Decodes the escapes of an f-string's literal part (the lexer kept them raw); an invalid one stays as written
    /// (the lexer has already refused those of a plain string).
    package static func decodeEscapes(_ text: String) -> String {
        var out = ""
        let it = Array(text)
        var i = 0
        while i < it.count {
            if it[i] == "\\" && i + 1 < it.count {
                var next = i + 1
                if case .text(let decoded) = strEscape(it, &next) {
                    out += decoded
                    i = next
                    continue
                }
            }
            out.append(it[i])
            i += 1
        }
        return out
    }

    enum Escape { case text(String), invalid(String) }

    /// One escape of a str literal: `chars[index]` is the character after the backslash; `index` moves past the
    /// escape. The escapes CPython decodes: `\n \t \r \a \b \f \v \\ \' \"`, octal `\ooo`, `\xhh`, `\uhhhh`,
    /// `\Uhhhhhhhh` and `\N{NAME}`; any other stays as written, backslash included, as CPython keeps it.
    static func strEscape(_ chars: [Character], _ index: inout Int, literalStart: Int = 0) -> Escape {
        let next = chars[index]
        index += 1
        let simple: [Character: String] = ["n": "\n", "t": "\t", "r": "\r", "a": "\u{07}", "b": "\u{08}", "f": "\u{0C}",
                                           "v": "\u{0B}", "\\": "\\", "'": "'", "\"": "\""]
        if let value = simple[next] { return .text(value) }
        func scalar(_ code: UInt32) -> String { Unicode.Scalar(code).map { String(Character($0)) } ?? "" }
        switch next {
        case "0"..."7":
            var value = UInt32(next.wholeNumberValue ?? 0)
            var digits = 1
            while digits < 3, index < chars.count, ("0"..."7").contains(chars[index]) {
                value = value * 8 + UInt32(chars[index].wholeNumberValue ?? 0)
                index += 1
                digits += 1
            }
            return .text(scalar(value))
        case "x", "u", "U":
            let count = next == "x" ? 2 : next == "u" ? 4 : 8
            let start = index - 2 - literalStart
            guard index + count <= chars.count, chars[index..<(index + count)].allSatisfy(\.isHexDigit),
                  let code = UInt32(String(chars[index..<(index + count)]), radix: 16) else {
                var have = 0
                while have < count, index + have < chars.count, chars[index + have].isHexDigit { have += 1 }
                return .invalid("(unicode error) 'unicodeescape' codec can't decode bytes in position \(start)-\(index + have - 1 - literalStart): truncated \\\(next)\(String(repeating: "X", count: count)) escape")
            }
            guard code <= 0x10FFFF else {
                return .invalid("(unicode error) 'unicodeescape' codec can't decode bytes in position \(start)-\(index + count - 1 - literalStart): illegal Unicode character")
            }
            index += count
            // A lone surrogate (\ud800) cannot be a Swift string's scalar.
            guard let value = Unicode.Scalar(code) else {
                return .invalid("conclab's Python does not support a lone surrogate in a string (\\\(next)\(String(chars[(index - count)..<index])))")
            }
            return .text(String(Character(value)))
        case "N":
            let start = index - 2 - literalStart
            guard index < chars.count, chars[index] == "{", let close = chars[index...].firstIndex(of: "}") else {
                return .invalid("(unicode error) 'unicodeescape' codec can't decode bytes in position \(start)-\(start + 1): malformed \\N character escape")
            }
            let name = String(chars[(index + 1)..<close])
            guard let value = unicodeScalar(named: name) else {
                return .invalid("(unicode error) 'unicodeescape' codec can't decode bytes in position \(start)-\(close - literalStart): unknown Unicode character name")
            }
            index = close + 1
            return .text(String(Character(value)))
        default:
            return .text("\\" + String(next))
        }
    }

    /// The scalar with this Unicode name (`BULLET`, `greek small letter alpha`), as `\N{…}` and
    /// `unicodedata.lookup` find it: names compare without regard to case.
    static func unicodeScalar(named name: String) -> Unicode.Scalar? {
        let wanted = name.uppercased()
        guard !wanted.isEmpty else { return nil }
        for code in UInt32(0)...0x10FFFF {
            guard let s = Unicode.Scalar(code) else { continue }
            if s.properties.name == wanted || s.properties.nameAlias == wanted { return s }
        }
        return nil
    }
}

/// Snippets typed on a command line: `\n` outside string literals stands for a new line (valid Python never
/// has a backslash there), so `py 'def f():\n    return 1'` is a two-line snippet.
package enum SnippetText {
    /// The snippet as typed, without the command line's own quotes when it was one quoted word: `'…'` and `"…"`
    /// alike (`py "print(1)\nprint(2)"` runs two lines, as with single quotes). A string literal is written inside
    /// other code (`py s = "hi"`) or at the Python prompt (`py` alone).
    package static func unquote(_ raw: String) -> String {
        guard raw.count >= 2, let first = raw.first, first == "'" || first == "\"", raw.last == first else { return raw }
        let inner = raw.dropFirst().dropLast()
        if inner.contains(first) { return raw }
        return String(inner)
    }

    package static func expandingNewlines(_ text: String) -> String {
        let chars = Array(text)
        var out = ""
        var i = 0
        var quote: Character?
        var triple = false
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                if c == "\\" && i + 1 < chars.count {
                    out.append(c)
                    out.append(chars[i + 1])
                    i += 2
                    continue
                }
                if c == q {
                    if !triple { quote = nil }
                    else if i + 2 < chars.count && chars[i + 1] == q && chars[i + 2] == q {
                        out += String([q, q, q])
                        i += 3
                        quote = nil
                        continue
                    }
                }
                out.append(c)
                i += 1
                continue
            }
            if c == "#" {
                // A comment runs to the end of the line (or to the next \n marker).
                while i < chars.count && chars[i] != "\n" && !(chars[i] == "\\" && i + 1 < chars.count && chars[i + 1] == "n") {
                    out.append(chars[i])
                    i += 1
                }
                continue
            }
            if c == "'" || c == "\"" {
                quote = c
                triple = i + 2 < chars.count && chars[i + 1] == c && chars[i + 2] == c
                if triple {
                    out += String([c, c, c])
                    i += 3
                } else {
                    out.append(c)
                    i += 1
                }
                continue
            }
            if c == "\\" && i + 1 < chars.count && chars[i + 1] == "n" {
                out.append("\n")
                i += 2
                continue
            }
            out.append(c)
            i += 1
        }
        return out
    }
}
