import LabCore

/// A lab's Markdown prose as the terminal shows it: `code` and fenced code in cyan, **bold** in bold, *emphasis* in
/// italics, list items with a bullet; the markers themselves are not shown. Colour off, the same text without them.
/// Only what labs use is read; anything else stays as written.
package enum LabProse {
    static let code = "36", bold = "1", italic = "3", heading = "1"

    package static func spans(_ markdown: String) -> [StyledSpan] {
        var out: [StyledSpan] = []
        var inFence = false
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (i, line) in lines.enumerated() {
            if i > 0 { out.append(StyledSpan("\n")) }
            if line.hasPrefix("```") {
                inFence.toggle()
                // The fence lines themselves are not shown; the code is indented instead.
                if out.last?.text == "\n" { out.removeLast() }
                continue
            }
            if inFence {
                out.append(StyledSpan("    " + line, style: code))
                continue
            }
            var text = Substring(line)
            let indent = text.prefix { $0 == " " }
            text = text.dropFirst(indent.count)
            if text.hasPrefix("#") {
                let title = text.drop { $0 == "#" }.drop { $0 == " " }
                out.append(StyledSpan(String(indent) + String(title), style: heading))
                continue
            }
            if text.hasPrefix("- ") || text.hasPrefix("* ") {
                out.append(StyledSpan(String(indent) + "  • "))
                text = text.dropFirst(2)
            } else if !indent.isEmpty {
                out.append(StyledSpan(String(indent)))
            }
            out += inline(String(text))
        }
        return merged(out)
    }

    /// One line's `code`, **bold** and *emphasis* (or _emphasis_). A marker without its closing twin is text.
    package static func inline(_ line: String) -> [StyledSpan] {
        let chars = Array(line)
        var out: [StyledSpan] = []
        var plain = ""
        var i = 0
        func flush() {
            if !plain.isEmpty { out.append(StyledSpan(plain)) }
            plain = ""
        }
        /// The index of `marker` at or after `from`, if the line has one.
        func find(_ marker: [Character], from: Int) -> Int? {
            var j = from
            while j + marker.count <= chars.count {
                if Array(chars[j..<(j + marker.count)]) == marker { return j }
                j += 1
            }
            return nil
        }
        while i < chars.count {
            let c = chars[i]
            if c == "`", let end = find(["`"], from: i + 1), end > i + 1 {
                flush()
                out.append(StyledSpan(String(chars[(i + 1)..<end]), style: code))
                i = end + 1
            } else if c == "*", i + 1 < chars.count, chars[i + 1] == "*", let end = find(["*", "*"], from: i + 2), end > i + 2 {
                flush()
                out.append(StyledSpan(String(chars[(i + 2)..<end]), style: bold))
                i = end + 2
            } else if (c == "*" || c == "_"), i + 1 < chars.count, chars[i + 1] != " ", chars[i + 1] != c,
                      i == 0 || !(chars[i - 1].isLetter || chars[i - 1].isNumber),
                      let end = find([c], from: i + 1), end > i + 1, chars[end - 1] != " ",
                      end + 1 == chars.count || !(chars[end + 1].isLetter || chars[end + 1].isNumber) {
                flush()
                out.append(StyledSpan(String(chars[(i + 1)..<end]), style: italic))
                i = end + 1
            } else {
                plain.append(c)
                i += 1
            }
        }
        flush()
        return out
    }

    /// Neighbouring spans of the same style as one.
    package static func merged(_ spans: [StyledSpan]) -> [StyledSpan] {
        var out: [StyledSpan] = []
        for span in spans where !span.text.isEmpty {
            if let last = out.last, last.style == span.style {
                out[out.count - 1].text += span.text
            } else {
                out.append(span)
            }
        }
        return out
    }
}
