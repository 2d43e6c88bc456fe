/// Turns results into text for people: aligned tables, units, optional colour.
///
/// Every piece of text that comes from data (a string value, a title, a column name, a `.text` result) is escaped
/// with `escapingControlCharacters()` before it is padded or styled: a file or a program cannot drive the terminal,
/// tables stay aligned, and the renderer's own colour codes are the only escapes in the output.
public struct HumanRenderer: Sendable {
    public var color: Bool

    public init(color: Bool) { self.color = color }

    public func style(_ text: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
    package func bold(_ text: String) -> String { style(text, "1") }
    package func dim(_ text: String) -> String { style(text, "2") }
    package func red(_ text: String) -> String { style(text, "31") }
    package func green(_ text: String) -> String { style(text, "32") }

    /// The result as lines of text, with no trailing newline; empty for `.nothing`.
    public func render(_ result: LabResult) -> String {
        switch result {
        case .nothing: return ""
        case .text(let text): return text.escapingControlCharacters()
        case .styled(let spans):
            return spans.map { span in
                let text = span.text.escapingControlCharacters()
                guard let code = span.style else { return text }
                return style(text, code)
            }.joined()
        case .record(let record): return render(record)
        case .table(let table): return render(table)
        case .group(let results): return results.map(render).filter { !$0.isEmpty }.joined(separator: "\n")
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

    package func render(_ record: Record) -> String {
        var lines: [String] = []
        if let title = record.title { lines.append(bold(title.escapingControlCharacters())) }
        let keys = record.fields.map { $0.0.escapingControlCharacters() }
        let keyWidth = keys.map(Format.width).max() ?? 0
        for (key, (_, value)) in zip(keys, record.fields) {
            lines.append(dim(Format.pad(key, keyWidth)) + "  " + cell(value).escapingControlCharacters())
        }
        return lines.joined(separator: "\n")
    }

    package func render(_ table: Table) -> String {
        var lines: [String] = []
        if let title = table.title { lines.append(bold(title.escapingControlCharacters())) }
        // Escaped before measuring: the width counts what the terminal shows.
        let cells = table.rows.map { $0.map { cell($0).escapingControlCharacters() } }
        let columns = table.columns.map { $0.escapingControlCharacters() }
        var widths = columns.map(Format.width)
        for row in cells {
            for (i, text) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], Format.width(text)) }
        }
        let numericColumn = table.columns.indices.map { c in
            !table.rows.isEmpty && table.rows.allSatisfy { c < $0.count && (isNumeric($0[c]) || $0[c] == .null) }
        }
        func line(_ items: [String], header: Bool) -> String {
            var parts: [String] = []
            for (i, text) in items.enumerated() where i < widths.count {
                let last = i == widths.count - 1
                let padded = numericColumn[i] ? Format.pad(text, widths[i], right: true)
                    : (last ? text : Format.pad(text, widths[i]))
                parts.append(padded)
            }
            let joined = parts.joined(separator: "  ")
            return header ? bold(joined) : joined
        }
        lines.append(line(columns, header: true))
        for row in cells { lines.append(line(row, header: false)) }
        if table.rows.isEmpty { lines.append(dim("(none)")) }
        if let summary = table.summary, !summary.fields.isEmpty { lines.append(render(summary)) }
        return lines.joined(separator: "\n")
    }
}

/// Turns results into JSON: one object per command.
public enum JSONRenderer {
    public static func render(_ result: LabResult) -> String {
        switch result {
        case .nothing: return "{\"type\":\"nothing\"}"
        case .text(let text): return "{\"type\":\"text\",\"text\":\(string(text))}"
        case .styled(let spans): return render(.text(spans.plainText))
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
