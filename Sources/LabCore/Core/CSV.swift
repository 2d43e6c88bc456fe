/// Turns results into CSV (RFC 4180: comma-separated, CRLF-free `\n` line ends, a field quoted when it holds a comma,
/// a quote or a line break, quotes doubled inside).
///
/// A table is its header and its rows; a record is a header of its field names and one row of their values; a
/// group is its parts one after another, a blank line between them; text is itself. Numbers are written as JSON
/// writes them (in the unit their name says, `wall_ms` in milliseconds), so a spreadsheet reads numbers; a missing
/// value is an empty field. Bars and drawings are renderings, not data: they are left out.
public enum CSVRenderer {
    public static func render(_ result: LabResult) -> String {
        switch result {
        case .nothing, .styled: return ""
        case .text(let text): return text
        case .program(let output): return output.resultText
        case .prose(let spans): return spans.plainText
        case .record(let record): return line(record.fields.map(\.0)) + "\n" + line(record.fields.map { field($0.1) })
        case .table(let table):
            var lines = [line(table.columns)]
            for row in table.rows { lines.append(line(row.map(field))) }
            return lines.joined(separator: "\n")
        case .group(let results):
            return results.map(render).filter { !$0.isEmpty }.joined(separator: "\n\n")
        }
    }

    /// One value as a CSV field's text (before quoting).
    public static func field(_ value: Value) -> String {
        switch value {
        case .null: return ""
        case .bool(let b): return b ? "true" : "false"
        case .string(let s): return s
        case .int, .double, .quantity: return JSONRenderer.value(value)
        case .list(let items): return items.map(field).joined(separator: "; ")
        case .record(let r): return r.fields.map { "\($0.0)=\(field($0.1))" }.joined(separator: " ")
        }
    }

    static func line(_ fields: [String]) -> String {
        fields.map(quote).joined(separator: ",")
    }

    /// The field quoted when it must be: a comma, a quote, a line break, or spaces at either end.
    public static func quote(_ text: String) -> String {
        let needs = text.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
            || text.first == " " || text.last == " "
        guard needs else { return text }
        return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
