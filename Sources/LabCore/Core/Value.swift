/// A unit a quantity is measured in. Quantities keep the unit their field name says
/// (`time_ms` holds milliseconds), so JSON and expressions see the plain number and people see it scaled.
public enum Unit: String, Sendable, Equatable {
    case nanoseconds = "ns"
    case microseconds = "us"
    case milliseconds = "ms"
    case seconds = "s"
    case bytes = "B"
    case percent = "%"
    case perSecond = "/s"
}

/// A field value of a result.
public enum Value: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case quantity(Double, Unit)
    case list([Value])
    case record(Record)

    public static func ms(_ nanoseconds: Int64) -> Value { .quantity(Double(nanoseconds) / 1e6, .milliseconds) }
    public static func bytes(_ count: Int64) -> Value { .quantity(Double(count), .bytes) }

    /// The number inside, for arithmetic and comparison.
    public var number: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .quantity(let d, _): return d
        default: return nil
        }
    }

    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "bool"
        case .int: return "int"
        case .double, .quantity: return "number"
        case .string: return "string"
        case .list: return "list"
        case .record: return "record"
        }
    }

    /// "an int", "a string": the type name with its article, for error messages.
    public var articledType: String {
        let name = typeName
        return ("aeiou".contains(name.first ?? "x") ? "an " : "a ") + name
    }

    /// Python-like truth: 0, "", [], null and false are false.
    public var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d), .quantity(let d, _): return d != 0
        case .string(let s): return !s.isEmpty
        case .list(let l): return !l.isEmpty
        case .record(let r): return !r.fields.isEmpty
        }
    }
}

/// Named fields in order.
public struct Record: Sendable, Equatable {
    public var title: String?
    public var fields: [(String, Value)]

    public init(title: String? = nil, _ fields: [(String, Value)] = []) {
        self.title = title
        self.fields = fields
    }

    public subscript(key: String) -> Value? {
        fields.first(where: { $0.0 == key })?.1
    }

    public mutating func append(_ key: String, _ value: Value) { fields.append((key, value)) }

    public static func == (a: Record, b: Record) -> Bool {
        a.title == b.title && a.fields.count == b.fields.count
            && zip(a.fields, b.fields).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }
}

/// Rows under named columns; `summary` holds figures about the whole table.
public struct Table: Sendable, Equatable {
    public var title: String?
    public var columns: [String]
    public var rows: [[Value]]
    public var summary: Record?
    /// A bar per row beside a numeric column, drawn for people only (JSON, CSV and checks see the numbers).
    public var bars: Bars?

    public init(title: String? = nil, columns: [String], rows: [[Value]] = [], summary: Record? = nil, bars: Bars? = nil) {
        self.title = title
        self.columns = columns
        self.rows = rows
        self.summary = summary
        self.bars = bars
    }

    /// A row as a record keyed by column names.
    public func record(at index: Int) -> Record {
        Record(zip(columns, rows[index]).map { ($0, $1) })
    }
}

/// A bar chart inside a table: the human renderer draws a bar per row for the numbers of `column`, scaled so the
/// largest value gets the widest bar that fits the terminal, right after `column` (or after the column `after`
/// names). A rendering only: the bars are not part of the table's data, so JSON, CSV and lab checks never see the
/// glyphs.
public struct Bars: Sendable, Equatable {
    public var column: String
    /// The header over the bars.
    public var title: String
    /// The column the bars follow, when not the charted one (a label column, for a chart that reads like one).
    public var after: String?

    public init(column: String, title: String = "", after: String? = nil) {
        self.column = column
        self.title = title
        self.after = after
    }
}

/// A piece of text and the style to show it in (an SGR code such as "32", green), for text a command draws itself
/// (the timeline chart). The human renderer escapes the text, then styles it when colour is on; JSON and checks see
/// the plain text.
public struct StyledSpan: Sendable, Equatable {
    public var text: String
    public var style: String?
    public init(_ text: String, style: String? = nil) {
        self.text = text
        self.style = style
    }
}

extension [StyledSpan] {
    public var plainText: String { map(\.text).joined() }
}

/// What a command returns. Nothing prints directly: renderers turn this into text or JSON.
public enum LabResult: Sendable, Equatable {
    case nothing
    case text(String)
    /// Text in colours (drawn when colour is on); otherwise the same as `.text`.
    case styled([StyledSpan])
    /// Text in styles that wraps at the width like `.text` (a lab's Markdown prose, shown with its code and bold);
    /// JSON, CSV and checks see the plain text.
    case prose([StyledSpan])
    case record(Record)
    case table(Table)
    /// Several results in order (e.g. `time CMD`: the command's result, then the timing); fields are the last one's.
    case group([LabResult])
    /// What a program wrote (a Python snippet's prints): to people and in checks it is text like `.text`; the shell
    /// writes it to its own stdout and stderr as the program wrote it (see `ProgramOutput`).
    case program(ProgramOutput)

    /// The fields lab checks and `where` see: a record's fields; a table's `rows`, `count` and summary; a text's `text`.
    public var fields: Record {
        switch self {
        case .nothing: return Record()
        case .text(let text): return Record([("text", .string(text))])
        case .program(let output): return Record([("text", .string(output.resultText))])
        case .styled(let spans), .prose(let spans): return Record([("text", .string(spans.plainText))])
        case .record(let record): return record
        case .table(let table):
            var record = Record([("rows", .list(table.rows.indices.map { .record(table.record(at: $0)) })),
                                 ("count", .int(table.rows.count))])
            if let summary = table.summary { record.fields += summary.fields }
            return record
        case .group(let results): return results.last?.fields ?? Record()
        }
    }
}
