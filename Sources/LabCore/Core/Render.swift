/// Turns results into text for people: aligned tables, units, optional colour, fitted to a width.
///
/// Every piece of text that comes from data (a string value, a title, a column name, a `.text` result) is escaped
/// with `escapingControlCharacters()` before it is padded or styled: a file or a program cannot drive the terminal,
/// tables stay aligned, and the renderer's own colour codes are the only escapes in the output.
///
/// With a `width` (the terminal's columns), text wraps at spaces (`TextLayout.wrap`), a table too wide shrinks its
/// widest text column, cutting its cells with `…`, so no row wraps, and bars and charts are drawn to fit. `page`
/// also stops after a number of lines and says what it left out (`Omission`): the rest is only measured, so a
/// result of 100 MB costs what one screen shows.
public struct HumanRenderer: Sendable {
    public var color: Bool
    /// Columns to fit; nil: lines as long as they are (a pipe, a file, a lab's transcript).
    public var width: Int?

    public init(color: Bool, width: Int? = nil) {
        self.color = color
        self.width = width
    }

    public func style(_ text: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
    package func bold(_ text: String) -> String { style(text, "1") }
    package func dim(_ text: String) -> String { style(text, "2") }
    package func red(_ text: String) -> String { style(text, "31") }
    package func green(_ text: String) -> String { style(text, "32") }

    /// Rendered lines, at most as many as asked, and what did not fit.
    public struct Page: Sendable, Equatable {
        public var text: String
        public var omitted: Omission
    }

    /// The result as lines of text, with no trailing newline; empty for `.nothing`.
    public func render(_ result: LabResult) -> String { page(result, maxLines: nil).text }

    /// The result's first `maxLines` lines (all when nil), and what was left out.
    public func page(_ result: LabResult, maxLines: Int?) -> Page {
        var sink = LineSink(width: width, limit: maxLines)
        emit(result, into: &sink)
        return Page(text: sink.lines.joined(separator: "\n"), omitted: sink.omitted)
    }

    /// The whole result, handed to `deliver` a batch of lines at a time as they are made (for printing something
    /// long: `deliver` returns false to stop, on Ctrl-C). True when it ran to the end.
    public func stream(_ result: LabResult, deliver: @escaping ([String]) -> Bool) -> Bool {
        var sink = LineSink(width: width, limit: nil, deliver: deliver)
        emit(result, into: &sink)
        sink.finish()
        return !sink.stopped
    }

    private func emit(_ result: LabResult, into sink: inout LineSink) {
        switch result {
        case .nothing: return
        case .text(let text):
            if !text.isEmpty { sink.add(text: text) }
        case .program(let output):
            let text = output.resultText
            if !text.isEmpty { sink.add(text: text) }
        case .styled(let spans): emit(spans, into: &sink)
        case .prose(let spans): emit(wrapping: spans, into: &sink)
        case .record(let record): emit(record, into: &sink)
        case .table(let table): emit(table, into: &sink)
        case .group(let results): for part in results { emit(part, into: &sink) }
        }
    }

    /// A value as text, for reading and converting (`str()`, labels); `render` escapes it for the terminal.
    public func cell(_ value: Value) -> String {
        switch value {
        case .null: return "-"
        case .bool(let b): return b ? "yes" : "no"
        case .int(let i): return String(i)
        case .double(let d): return Format.number(d)
        case .string(let s): return s
        case .quantity(let d, let unit): return Format.quantity(d, unit)
        case .list(let items): return items.map(cell).joined(separator: ", ")
        case .record(let r): return r.fields.isEmpty ? "-" : r.fields.map { "\($0.0)=\(cell($0.1))" }.joined(separator: " ")
        }
    }

    private func isNumeric(_ value: Value) -> Bool {
        switch value {
        case .int, .double, .quantity: return true
        default: return false
        }
    }

    package func render(_ record: Record) -> String { render(.record(record)) }

    package func render(_ table: Table) -> String { render(.table(table)) }

    /// A drawing the command laid out itself (the timeline chart): each line cut at the width, never wrapped.
    private func emit(_ spans: [StyledSpan], into sink: inout LineSink) {
        var line = ""
        var used = 0
        func flush() {
            sink.add(laidOut: line)
            line = ""
            used = 0
        }
        for span in spans {
            let pieces = span.text.split(separator: "\n", omittingEmptySubsequences: false)
            for (i, piece) in pieces.enumerated() {
                if i > 0 { flush() }
                var text = String(piece).escapingControlCharacters()
                if let width {
                    guard used < width else { continue }
                    let room = width - used
                    if Format.width(text) > room { text = String(TextLayout.prefix(Substring(text), columns: room)) }
                }
                used += Format.width(text)
                line += span.style.map { style(text, $0) } ?? text
            }
        }
        flush()
    }

    /// Styled text that wraps at spaces, as `.text` does: each line breaks before a word that would pass the width,
    /// and a continuation line starts under the text of a list item (`  • `) or a line's leading spaces.
    private func emit(wrapping spans: [StyledSpan], into sink: inout LineSink) {
        // Lines of (text, style) words and the spaces between them.
        var lines: [[(text: String, style: String?)]] = [[]]
        for span in spans {
            for (i, piece) in span.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                if i > 0 { lines.append([]) }
                if !piece.isEmpty { lines[lines.count - 1].append((String(piece).escapingControlCharacters(), span.style)) }
            }
        }
        for parts in lines {
            let plain = parts.map(\.text).joined()
            guard let width, Format.width(plain) > width else {
                sink.add(laidOut: parts.map { p in p.style.map { style(p.text, $0) } ?? p.text }.joined())
                continue
            }
            let bullet = plain.prefix { $0 == " " }.count + (plain.drop { $0 == " " }.hasPrefix("• ") ? 2 : 0)
            let hang = min(bullet, width / 2)
            // Words with their style; a space starts a new word.
            var words: [(text: String, style: String?, spaceBefore: Bool)] = []
            var pendingSpace = false
            for part in parts {
                var current = ""
                func close() {
                    if !current.isEmpty { words.append((current, part.style, pendingSpace)); pendingSpace = false }
                    current = ""
                }
                for ch in part.text {
                    if ch == " " { close(); pendingSpace = true } else { current.append(ch) }
                }
                close()
            }
            var line = String(repeating: " ", count: plain.prefix { $0 == " " }.count)
            var used = line.count
            var fresh = true
            for word in words {
                let w = Format.width(word.text)
                let gap = word.spaceBefore && !fresh ? 1 : 0
                if !fresh && used + gap + w > width {
                    sink.add(laidOut: line)
                    line = String(repeating: " ", count: hang)
                    used = hang
                    fresh = true
                }
                if word.spaceBefore && !fresh { line += " "; used += 1 }
                line += word.style.map { style(word.text, $0) } ?? word.text
                used += w
                fresh = false
            }
            sink.add(laidOut: line)
        }
    }

    private func emit(_ record: Record, into sink: inout LineSink) {
        if let title = record.title { sink.add(text: title, style: bold) }
        let keys = record.fields.map { $0.0.escapingControlCharacters() }
        let keyWidth = keys.map(Format.width).max() ?? 0
        for (key, (_, value)) in zip(keys, record.fields) {
            if sink.isFull {
                sink.omitted.lines += 1
                continue
            }
            sink.add(text: cell(value), prefix: dim(Format.pad(key, keyWidth)) + "  ", prefixWidth: keyWidth + 2)
        }
    }

    /// A cell's text for a table: one line, escaped, and no longer than the width could show.
    private func tableCell(_ value: Value) -> String {
        var text = cell(value)
        if let width, text.utf8.count > width {
            text = String(TextLayout.prefix(Substring(text), columns: width + 1))
        }
        return TextLayout.expandingTabs(text.replacingNewlines().escapingControlCharacters())
    }

    private func emit(_ table: Table, into sink: inout LineSink) {
        if let title = table.title { sink.add(text: title, style: bold) }
        let columns = table.columns.map { $0.replacingNewlines().escapingControlCharacters() }
        let numeric = table.columns.indices.map { c in
            !table.rows.isEmpty && table.rows.allSatisfy { c < $0.count && (isNumeric($0[c]) || $0[c] == .null) }
        }
        // Only the rows that will be shown are kept as text, but every row counts for the widths.
        let shown = min(table.rows.count, sink.room)
        var cells: [[String]] = []
        cells.reserveCapacity(shown)
        var cellWidths = columns.map { _ in 0 }
        for (r, row) in table.rows.enumerated() {
            let texts = row.prefix(columns.count).map(tableCell)
            for (i, text) in texts.enumerated() { cellWidths[i] = max(cellWidths[i], Format.width(text)) }
            if r < shown { cells.append(texts) }
        }
        var widths = zip(columns, cellWidths).map { max(Format.width($0), $1) }
        var visible = columns.count
        let charted = table.bars.flatMap { bars in table.columns.firstIndex(of: bars.column) }.flatMap { numeric[$0] ? $0 : nil }
        // The bars go after the column `after` names, else after the charted column.
        let barColumn = charted.map { c in table.bars?.after.flatMap { table.columns.firstIndex(of: $0) } ?? c }
        var barWidth = barColumn == nil ? 0 : Self.defaultBarWidth
        if let width {
            // Bars take what is left, at most their usual width; the other columns shrink first to leave them some.
            let reserve = barColumn == nil ? 0 : 2 + Self.narrowestBar
            // Text shrinks to 4 columns (the first, which names the row, to a third of the width); a number keeps
            // its digits, only a header wider than them is cut.
            let floors = widths.indices.map { c in
                numeric[c] ? max(cellWidths[c], min(widths[c], 4)) : min(widths[c], c == 0 ? max(4, width / 3) : 4)
            }
            widths = Self.fit(widths, floors: floors, into: width - reserve)
            // What still does not fit is left out from the right, and said so below the table.
            while visible > 1 && widths.prefix(visible).reduce(0, +) + 2 * (visible - 1) > width { visible -= 1 }
            let used = widths.prefix(visible).reduce(0, +) + 2 * max(0, visible - 1)
            if let barColumn {
                barWidth = barColumn < visible ? min(Self.defaultBarWidth, width - used - 2) : 0
                if barWidth < Self.narrowestBar { barWidth = 0 }
            }
        }
        let bars = charted.map { c in Self.bars(table.rows.prefix(shown).map { c < $0.count ? ($0[c].number ?? 0) : 0 },
                                                most: table.rows.map { c < $0.count ? abs($0[c].number ?? 0) : 0 }.max() ?? 0,
                                                width: barWidth) }
        func line(_ items: [String], header: Bool, row: Int?) -> String {
            var parts: [String] = []
            for (i, text) in items.enumerated() where i < visible {
                let fitted = Format.width(text) > widths[i] ? TextLayout.truncate(text, to: widths[i]) : text
                parts.append(numeric[i] ? Format.pad(fitted, widths[i], right: true) : Format.pad(fitted, widths[i]))
                if i == barColumn, barWidth > 0 {
                    let bar = header ? (table.bars?.title ?? "") : (row.flatMap { bars?[$0] } ?? "")
                    parts.append(Format.pad(TextLayout.truncate(bar, to: barWidth), barWidth))
                }
            }
            var joined = parts.joined(separator: "  ")
            while joined.hasSuffix(" ") { joined.removeLast() }
            return header ? bold(joined) : joined
        }
        sink.add(laidOut: line(columns, header: true, row: nil))
        for (r, row) in cells.enumerated() { sink.add(laidOut: line(row, header: false, row: r)) }
        sink.omitted.lines += table.rows.count - cells.count
        if table.rows.isEmpty { sink.add(laidOut: dim("(none)")) }
        if visible < columns.count {
            let left = columns[visible...].joined(separator: ", ")
            sink.add(text: "(not shown, the window is too narrow: \(left); 'save FILE' keeps every column)", style: dim)
        }
        if let summary = table.summary, !summary.fields.isEmpty { emit(summary, into: &sink) }
    }

    /// Bars are at most this wide, and not drawn when less than `narrowestBar` columns are left for them.
    static let defaultBarWidth = 30
    static let narrowestBar = 8

    /// Column widths that fit in `width` (with two spaces between columns), none below its floor, by water filling:
    /// the widest column shrinks first, down to the next widest, then those two together, and so on. When the floors
    /// are reached first, the widths stay wider than `width`.
    package static func fit(_ widths: [Int], floors: [Int], into width: Int) -> [Int] {
        var widths = widths
        var excess = widths.reduce(0, +) + 2 * max(0, widths.count - 1) - width
        while excess > 0 {
            let shrinkable = widths.indices.filter { widths[$0] > floors[$0] }
            guard let widest = shrinkable.max(by: { widths[$0] < widths[$1] }) else { break }
            let level = widths[widest]
            let atLevel = shrinkable.filter { widths[$0] == level }
            let next = shrinkable.filter { widths[$0] < level }.map { widths[$0] }.max() ?? 0
            // Every column at the top level comes down by one step: to the next level, or by what is left to cut.
            let step = max(1, min(level - next, (excess + atLevel.count - 1) / atLevel.count))
            for c in atLevel where excess > 0 {
                let cut = min(step, widths[c] - floors[c], excess)
                widths[c] -= cut
                excess -= cut
            }
        }
        return widths
    }

    /// A bar per value, in eighths of a column, the largest `width` columns long; a value above zero shows at least
    /// a sliver.
    package static func bars(_ values: [Double], most: Double, width: Int) -> [String] {
        guard width > 0, most > 0, most.isFinite else { return values.map { _ in "" } }
        let eighths = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return values.map { value in
            guard value.isFinite, value > 0 else { return "" }
            let units = max(1, Int((value / most * Double(width * 8)).rounded()))
            return String(repeating: "█", count: units / 8) + eighths[units % 8]
        }
    }
}

/// Turns results into JSON: one object per command.
public enum JSONRenderer {
    public static func render(_ result: LabResult) -> String {
        switch result {
        case .nothing: return "{\"type\":\"nothing\"}"
        case .text(let text): return "{\"type\":\"text\",\"text\":\(string(text))}"
        case .program(let output):
            // As any text result: "text" without its final newline; what went to stderr beside it, as written.
            return "{\"type\":\"text\",\"text\":\(string(ProgramOutput.droppingFinalNewline(output.text(of: .standardOutput))))"
                + (output.text(of: .standardError).isEmpty ? "" : ",\"stderr\":\(string(output.text(of: .standardError)))") + "}"
        // A drawing (the timeline chart) is a rendering of figures the result carries beside it: no glyphs in JSON.
        case .styled: return "{\"type\":\"chart\"}"
        case .prose(let spans): return "{\"type\":\"text\",\"text\":\(string(spans.plainText))}"
        case .record(let record):
            return "{\"type\":\"record\"" + titlePart(record.title) + ",\"fields\":" + object(record) + "}"
        case .table(let table):
            var out = "{\"type\":\"table\"" + titlePart(table.title)
            out += ",\"columns\":[" + table.columns.map(string).joined(separator: ",") + "]"
            out += ",\"rows\":[" + table.rows.indices.map { object(table.record(at: $0)) }.joined(separator: ",") + "]"
            if let summary = table.summary { out += ",\"summary\":" + object(summary) }
            return out + "}"
        case .group(let results):
            return "{\"type\":\"group\",\"results\":[" + results.map(render).joined(separator: ",") + "]}"
        }
    }

    private static func titlePart(_ title: String?) -> String {
        title.map { ",\"title\":" + string($0) } ?? ""
    }

    public static func object(_ record: Record) -> String {
        "{" + record.fields.map { string($0.0) + ":" + value($0.1) }.joined(separator: ",") + "}"
    }

    public static func value(_ value: Value) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d), .quantity(let d, _):
            guard d.isFinite else { return "null" }
            return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : "\(d)"
        case .string(let s): return string(s)
        case .list(let items): return "[" + items.map(Self.value).joined(separator: ",") + "]"
        case .record(let r): return object(r)
        }
    }

    /// A JSON string. Every control character is escaped (`\u001b`), including DEL and the C1 controls JSON would
    /// allow raw: JSON output is often read on a terminal.
    public static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
