extension String {
    package func trimmed() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}

extension String {
    package func replacingNewlines() -> String { String(map { $0 == "\n" ? " " : $0 }) }
}

extension String {
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
