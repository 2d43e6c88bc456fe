/// Fitting text to a terminal: columns per scalar, word wrapping with a hanging indent, and clipping.
///
/// A line too wide for the terminal is broken at spaces, never inside a word (a word wider than the whole line is
/// the one exception: it is cut where the line ends). Continuation lines start under the text they continue: a
/// line laid out in two columns (`  name   summary`, `key  value`) continues under its second column, any other
/// line under its own first character.
public enum TextLayout {
    /// Columns a scalar takes on a terminal: 0 for combining marks and zero-width characters, 2 for East Asian wide
    /// characters and emoji, 1 for the rest (Latin, Cyrillic, the box and block symbols conclab draws).
    public static func columns(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x300 { return 1 }
        if (0x300...0x36F).contains(v) || (0x200B...0x200F).contains(v) || (0xFE00...0xFE0F).contains(v)
            || (0x1AB0...0x1AFF).contains(v) || (0x20D0...0x20FF).contains(v) { return 0 }
        if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v) || (0x1F900...0x1F9FF).contains(v)
            || (0x20000...0x3FFFD).contains(v) { return 2 }
        return 1
    }

    /// The text's first scalars, as many as fit in `width` columns; the whole text when it fits.
    public static func prefix(_ text: Substring, columns width: Int) -> Substring {
        var used = 0
        var end = text.unicodeScalars.startIndex
        for index in text.unicodeScalars.indices {
            let w = columns(text.unicodeScalars[index])
            if used + w > width { return Substring(text.unicodeScalars[..<index]) }
            used += w
            end = text.unicodeScalars.index(after: index)
        }
        return Substring(text.unicodeScalars[..<end])
    }

    /// The text cut to `width` columns, its end replaced by `…` when it was longer.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard Format.width(text) > width else { return text }
        guard width > 1 else { return width == 1 ? "…" : "" }
        return String(prefix(Substring(text), columns: width - 1)) + "…"
    }

    /// Where a wrapped line continues: under its second column when it has one (the first run of two or more
    /// spaces after its first word), else under its first character. Never past half the width.
    public static func hangingIndent(_ line: String, width: Int) -> Int {
        let scalars = Array(line.unicodeScalars.prefix(width))
        var i = 0
        while i < scalars.count && scalars[i] == " " { i += 1 }
        let leading = i
        var column = leading
        var sawText = false
        while i < scalars.count {
            if scalars[i] == " " && sawText && i + 1 < scalars.count && scalars[i + 1] == " " {
                var j = i
                while j < scalars.count && scalars[j] == " " { j += 1 }
                let second = column + (j - i)
                return second <= width / 2 ? second : min(leading, width / 2)
            }
            if scalars[i] != " " { sawText = true }
            column += columns(scalars[i])
            i += 1
        }
        return min(leading, width / 2)
    }

    /// One line (no newline in it; tabs already expanded) wrapped at spaces to `width` columns. `indent` is where
    /// continuation lines start (default: `hangingIndent`). Spaces inside a line that fits are kept as they are;
    /// spaces where a line breaks are dropped.
    public static func wrap(_ line: String, width: Int, indent: Int? = nil) -> [String] {
        guard width > 0, Format.width(line) > width else { return [line] }
        let hang = min(max(0, indent ?? hangingIndent(line, width: width)), width / 2)
        let pad = String(repeating: " ", count: hang)
        // Runs of spaces and runs of anything else, in order, with their widths.
        var tokens: [(text: Substring, width: Int, space: Bool)] = []
        var runStart = line.unicodeScalars.startIndex
        var runWidth = 0
        var runIsSpace = line.unicodeScalars.first == " "
        for index in line.unicodeScalars.indices {
            let scalar = line.unicodeScalars[index]
            if (scalar == " ") != runIsSpace {
                tokens.append((Substring(line.unicodeScalars[runStart..<index]), runWidth, runIsSpace))
                runStart = index
                runWidth = 0
                runIsSpace = scalar == " "
            }
            runWidth += columns(scalar)
        }
        tokens.append((Substring(line.unicodeScalars[runStart...]), runWidth, runIsSpace))

        var out: [String] = []
        var current = ""
        var used = 0
        var fresh = true
        var gap: (text: Substring, width: Int)?
        func breakLine() {
            out.append(current)
            current = pad
            used = hang
            fresh = true
        }
        for token in tokens {
            if token.space {
                // Spaces after a break are dropped; the first line keeps its leading spaces.
                gap = fresh && !out.isEmpty ? nil : (token.text, token.width)
                continue
            }
            let gapWidth = gap?.width ?? 0
            if used + gapWidth + token.width <= width {
                if let gap { current += gap.text }
                current += token.text
                used += gapWidth + token.width
            } else {
                if !fresh { breakLine() }
                // A word wider than a whole line: cut where the line ends.
                var rest = token.text
                var restWidth = token.width
                while used + restWidth > width {
                    var piece = prefix(rest, columns: width - used)
                    if piece.isEmpty { piece = Substring(rest.unicodeScalars.prefix(1)) }
                    current += piece
                    rest = Substring(rest.unicodeScalars.dropFirst(piece.unicodeScalars.count))
                    restWidth -= piece.unicodeScalars.reduce(0) { $0 + columns($1) }
                    breakLine()
                }
                current += rest
                used += restWidth
            }
            fresh = false
            gap = nil
        }
        if !fresh || out.isEmpty { out.append(current) }
        return out
    }

    /// Tabs replaced by spaces up to the next multiple of 8 columns, as a terminal shows them.
    public static func expandingTabs(_ line: String) -> String {
        guard line.unicodeScalars.contains("\t") else { return line }
        var out = ""
        var column = 0
        for scalar in line.unicodeScalars {
            if scalar == "\t" {
                let spaces = 8 - column % 8
                out += String(repeating: " ", count: spaces)
                column += spaces
            } else {
                out.unicodeScalars.append(scalar)
                column += columns(scalar)
            }
        }
        return out
    }
}

/// What a bounded rendering left out: whole lines, and text too long to count in lines (a 100 MB string).
public struct Omission: Sendable, Equatable {
    public var lines: Int
    public var bytes: Int

    public init(lines: Int = 0, bytes: Int = 0) {
        self.lines = lines
        self.bytes = bytes
    }

    public var isEmpty: Bool { lines == 0 && bytes == 0 }

    /// The line that ends a cut result: `… 1234 more lines ('show --all' prints everything)`.
    public var notice: String {
        var parts: [String] = []
        if lines > 0 { parts.append("\(lines) more line" + (lines == 1 ? "" : "s")) }
        if bytes > 0 { parts.append((bytes < 1024 ? "\(bytes) bytes" : Format.bytes(Double(bytes))) + " more") }
        return "… " + parts.joined(separator: " and ") + " ('show --all' prints everything)"
    }
}

/// Lines of rendered output, kept up to a limit (past it only counted), or handed on in batches as they are made.
package struct LineSink {
    package let width: Int?
    package let limit: Int?
    package private(set) var lines: [String] = []
    package var omitted = Omission()
    /// Takes each batch of finished lines when streaming; false stops the rendering (Ctrl-C while printing).
    private let deliver: (([String]) -> Bool)?
    /// Set when `deliver` asked to stop: nothing more is made or counted.
    package private(set) var stopped = false
    /// Text past the limit is counted in lines while it is this small, else in bytes (counting would cost more
    /// than the output is worth).
    package static let countableBytes = 1 << 20
    /// How long a line may be before it is cut when there is no width to wrap to.
    private static let unwrappedColumns = 200
    /// A line longer than this is wrapped a piece at a time, so printing it can stop part-way.
    private static let pieceBytes = 1 << 16
    private static let batch = 256

    package init(width: Int?, limit: Int?, deliver: (([String]) -> Bool)? = nil) {
        self.width = width.map { max(10, $0) }
        self.limit = deliver == nil ? limit.map { max(1, $0) } : nil
        self.deliver = deliver
    }

    package var isFull: Bool { stopped || (limit.map { lines.count >= $0 } ?? false) }

    /// Lines still to fill before the limit (`Int.max` when unbounded).
    package var room: Int { limit.map { max(0, $0 - lines.count) } ?? Int.max }

    /// A line that is already laid out (a table row, a chart row): kept as it is, or counted.
    package mutating func add(laidOut line: String) {
        guard !stopped else { return }
        if isFull { omitted.lines += 1; return }
        lines.append(line)
        if let deliver, lines.count >= Self.batch { hand(deliver) }
    }

    /// Hands what is left to `deliver` (the end of a streamed rendering).
    package mutating func finish() {
        if let deliver, !lines.isEmpty, !stopped { hand(deliver) }
    }

    private mutating func hand(_ deliver: ([String]) -> Bool) {
        if !deliver(lines) { stopped = true }
        lines.removeAll(keepingCapacity: true)
    }

    /// Text from data: split into lines, each escaped, wrapped to the width and styled by `style`. `prefix` (already
    /// escaped and styled, `prefixWidth` columns wide) starts the first line; continuation lines start under the
    /// text. Past the limit the rest is only measured, and a line longer than the screen could show is cut before
    /// it is escaped or wrapped: a 100 MB value costs what the screen shows.
    package mutating func add(text: String, prefix: String = "", prefixWidth: Int = 0, style: (String) -> String = { $0 }) {
        let utf8 = text.utf8
        var start = utf8.startIndex
        var first = true
        var continued = false
        while !stopped {
            if isFull {
                countRest(text, from: start, prefixWidth: prefixWidth)
                return
            }
            // A line is laid out whole unless it is longer than `pieceBytes`: then, when bounded, only what the room
            // left could show (the rest is counted in bytes); when streaming, a piece at a time.
            let searchEnd = utf8.index(start, offsetBy: Self.pieceBytes, limitedBy: utf8.endIndex) ?? utf8.endIndex
            var end = searchEnd
            var cut = false
            if let newline = utf8[start..<searchEnd].firstIndex(of: 0x0A) {
                end = newline
            } else if searchEnd != utf8.endIndex && (limit != nil || width != nil) {
                if limit != nil {
                    end = utf8.index(start, offsetBy: min(Self.pieceBytes, room * (width ?? Self.unwrappedColumns)))
                }
                // Back to the start of a character (UTF-8 continuation bytes are 10xxxxxx).
                while end > start && utf8[end] & 0xC0 == 0x80 { end = utf8.index(before: end) }
                cut = true
            } else if searchEnd != utf8.endIndex {
                end = utf8[searchEnd...].firstIndex(of: 0x0A) ?? utf8.endIndex
            }
            let line = String(Substring(text.unicodeScalars[start..<end]))
            let pieces = layOut(TextLayout.expandingTabs(line.escapingControlCharacters()), prefixWidth: prefixWidth)
            for (i, piece) in pieces.enumerated() {
                let lead = i == 0 && !continued ? (first ? prefix : String(repeating: " ", count: prefixWidth)) : ""
                let indent = i == 0 && continued ? String(repeating: " ", count: prefixWidth) : ""
                add(laidOut: lead + indent + style(piece))
            }
            if cut {
                if limit != nil {
                    omitted.bytes += utf8.distance(from: end, to: utf8.endIndex)
                    return
                }
                start = end
                continued = true
            } else {
                guard end != utf8.endIndex else { return }
                start = utf8.index(after: end)
                continued = false
            }
            first = false
        }
    }

    /// A line wrapped to the width behind a prefix of `prefixWidth` columns: continuation lines carry the
    /// prefix's width of spaces. A prefix that leaves less than 12 columns puts the text under it instead.
    private func layOut(_ line: String, prefixWidth: Int) -> [String] {
        guard let width else { return [line] }
        guard prefixWidth > 0 else { return TextLayout.wrap(line, width: width) }
        let inner = width - prefixWidth
        guard inner >= 12 else {
            return [""] + TextLayout.wrap(line, width: width - 2, indent: 0).map { "  " + $0 }
        }
        return TextLayout.wrap(line, width: inner, indent: 0).enumerated().map { i, piece in
            i == 0 ? piece : String(repeating: " ", count: prefixWidth) + piece
        }
    }

    /// Counts what is left of `text` from `start`: in lines when small enough, else in bytes.
    private mutating func countRest(_ text: String, from start: String.Index, prefixWidth: Int) {
        let left = text.utf8.distance(from: start, to: text.utf8.endIndex)
        guard left > 0 else { return }
        guard left <= Self.countableBytes else {
            omitted.bytes += left
            return
        }
        for bytes in text.utf8[start...].split(separator: 0x0A, omittingEmptySubsequences: false) {
            let line = String(Substring(bytes))
            omitted.lines += layOut(TextLayout.expandingTabs(line.escapingControlCharacters()), prefixWidth: prefixWidth).count
        }
    }
}
