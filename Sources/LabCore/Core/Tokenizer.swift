/// A word of a command line, with where it started (for completion) and whether it was quoted.
public struct Word: Sendable, Equatable {
    public var text: String
    /// Offset in characters of the word's first character in the line.
    public var start: Int
    public var quoted: Bool
    /// True for an unquoted `|` that separates pipeline stages.
    public var isPipe: Bool

    public init(_ text: String, start: Int = 0, quoted: Bool = false, isPipe: Bool = false) {
        self.text = text
        self.start = start
        self.quoted = quoted
        self.isPipe = isPipe
    }
}

public struct TokenizeError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// Splits a command line into words: blanks separate, `'…'` keeps everything literal, `"…"` allows
/// `\"` and `\\`, a backslash outside quotes escapes the next character, an unquoted `#` at the start of
/// a word begins a comment, and an unquoted `|` separates pipeline stages.
public enum Tokenizer {
    public static func split(_ line: String, allowUnterminated: Bool = false) throws(TokenizeError) -> [Word] {
        var ignored: Int?
        return try split(line, allowUnterminated: allowUnterminated, commentStart: &ignored)
    }

    /// Like `split`, and tells where a trailing `#` comment starts (nil when there is none).
    public static func split(_ line: String, allowUnterminated: Bool = false, commentStart: inout Int?) throws(TokenizeError) -> [Word] {
        commentStart = nil
        var words: [Word] = []
        var current = ""
        var inWord = false
        var quoted = false
        var start = 0
        var quote: Character?
        let chars = Array(line)
        var i = 0
        func finish() {
            if inWord { words.append(Word(current, start: start, quoted: quoted)) }
            current = ""
            inWord = false
            quoted = false
        }
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                if c == q {
                    quote = nil
                } else if q == "\"" && c == "\\" && i + 1 < chars.count && (chars[i + 1] == "\"" || chars[i + 1] == "\\") {
                    current.append(chars[i + 1])
                    i += 1
                } else {
                    current.append(c)
                }
                i += 1
                continue
            }
            switch c {
            case " ", "\t", "\n", "\r":
                finish()
            case "'", "\"":
                if !inWord { inWord = true; start = i }
                quoted = true
                quote = c
            case "\\":
                if !inWord { inWord = true; start = i }
                if i + 1 < chars.count { current.append(chars[i + 1]); i += 1 }
            case "#" where !inWord:
                commentStart = i
                i = chars.count
                continue
            case "|" where !inWord && i + 1 < chars.count && chars[i + 1] == "|":
                // `||` is the expression language's "or", not two pipes.
                words.append(Word("||", start: i))
                i += 1
            case "|" where !inWord:
                words.append(Word("|", start: i, isPipe: true))
            default:
                if !inWord { inWord = true; start = i }
                current.append(c)
            }
            i += 1
        }
        if let q = quote, !allowUnterminated {
            throw TokenizeError(message: "unterminated \(q == "'" ? "single" : "double") quote")
        }
        finish()
        return words
    }

    /// Quotes a word so that `split` gives it back unchanged.
    public static func quote(_ word: String, force: Bool = false) -> String {
        if !force && !word.isEmpty && word.allSatisfy({ $0.isLetter || $0.isNumber || "-_./:=@%+,".contains($0) }) { return word }
        return "'" + word.replacingAll("'", with: "'\\''") + "'"
    }
}

extension String {
    package func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
