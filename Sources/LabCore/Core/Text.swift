extension String {
    package func replacingNewlines() -> String { String(map { $0 == "\n" ? " " : $0 }) }
}

extension String {
    /// The text with every word longer than `limit` characters (more than a clipped source line of a syntax error) shortened to its start and its length, so an error
    /// that quotes what was typed stays one readable line however long the typed word was.
    package func clippingLongWords(to limit: Int = 120) -> String {
        guard count > limit else { return self }
        var out = ""
        var word = ""
        func flush() {
            if word.count > limit { out += word.prefix(limit - 20) + "…(\(word.count) characters)" } else { out += word }
            word = ""
        }
        for ch in self {
            if ch == " " || ch == "\n" || ch == "\t" { flush(); out.append(ch) } else { word.append(ch) }
        }
        flush()
        return out
    }

    /// The text made safe to show on a terminal: every control character a terminal would act on is written out
    /// as text. Newline and tab stay; carriage return becomes `\r`; every other C0 control, DEL and every C1
    /// control (U+0080–U+009F) becomes `\x` and two hex digits (ESC `\x1b`, BEL `\x07`, CSI `\x9b`).
    ///
    /// Data reaches the terminal through this one function: a file's contents, a program's output, an error that
    /// quotes either, a lab's text. Without it a file could set the window title, clear the screen or write the
    /// clipboard (OSC 52). conclab's own styling is added after escaping, so its colours still work. The result has
    /// no control characters left, so escaping twice changes nothing; each escape is plain ASCII, so a table that
    /// measures the escaped text stays aligned.
    package func escapingControlCharacters() -> String {
        guard unicodeScalars.contains(where: Self.isShownEscaped) else { return self }
        var out = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            if !Self.isShownEscaped(scalar) {
                out.append(scalar)
            } else if scalar == "\r" {
                out.append(contentsOf: "\\r".unicodeScalars)
            } else {
                let hex = String(scalar.value, radix: 16)
                out.append(contentsOf: ("\\x" + (hex.count < 2 ? "0" : "") + hex).unicodeScalars)
            }
        }
        return String(out)
    }

    /// C0 controls other than newline and tab, DEL, and C1 controls.
    package static func isShownEscaped(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return (v < 0x20 && v != 0x0A && v != 0x09) || (0x7F...0x9F).contains(v)
    }
}
