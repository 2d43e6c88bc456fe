import LabOS
import LabCore
import PyLab

/// `trace on|off|clear|status` and `trace COMMAND…`: the event recorder.
package struct TraceCommand: Command {
    package init() {}
    package let spec = CommandSpec("trace", summary: "record thread, process, lock and GIL events for the timeline",
                           arguments: [ArgumentSpec("COMMAND", .command, variadic: true,
                                                    help: "on, off, clear, status — or a command to record exactly")],
                           examples: ["trace on", "trace thread spawn spin 200", "trace clear"],
                           discussion: "The recorder keeps the newest 65,536 events and counts what it dropped. Off, it costs one atomic load per event.")

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let recorder = EventRecorder.of(context.session)
        let words = arguments.strings("COMMAND")
        switch words {
        case ["on"]: recorder.setOn(true); return .text("tracing on")
        case ["off"]: recorder.setOn(false); return .text("tracing off")
        case ["clear"]: recorder.clear(); return .text("trace cleared")
        case ["status"]:
            let (events, dropped) = recorder.snapshot()
            return .record(Record([("tracing", .bool(recorder.isOn)), ("events", .int(events.count)),
                                   ("dropped", .int(dropped)), ("capacity", .int(recorder.capacity))]))
        default:
            guard let line = arguments.commandLine else { throw UsageError("trace needs on, off, clear, status or a command", usage: arguments.usage) }
            let wasOn = recorder.isOn
            recorder.clear()
            recorder.setOn(true)
            defer { recorder.setOn(wasOn) }
            let result = try context.runNested(line)
            let (events, dropped) = recorder.snapshot()
            let note = Record([("traced", .string(line)), ("events", .int(events.count)), ("dropped", .int(dropped))])
            return result == .nothing ? .record(note) : .group([result, .record(note)])
        }
    }
}

/// `timeline`: draws the recorded events; `timeline export FILE.svg|FILE.html`.
package struct TimelineCommand: Command {
    package init() {}
    package let spec = CommandSpec("timeline", summary: "draw the recorded events: one row per thread or process, time across")
    package let verbs: [any Command] = [TimelineShow(), TimelineExport()]
    package let defaultVerb: String? = "show"
}

/// The model of the recorded events, clipped to --from/--to (milliseconds after the first event).
package func timelineModel(_ arguments: Arguments, _ context: Context) throws -> TimelineModel {
    let (events, dropped) = EventRecorder.of(context.session).snapshot()
    let origin = events.first?.nanoseconds ?? 0
    let from = try arguments.integer("from").map { origin + Time.nanoseconds(milliseconds: $0) }
    let to = try arguments.integer("to").map { origin + Time.nanoseconds(milliseconds: $0) }
    if let from, let to, to <= from { throw UsageError("--to must be after --from", usage: arguments.usage) }
    return TimelineModel(events: events, dropped: dropped, from: from, to: to)
}

private let rangeFlags = [
    FlagSpec("from", value: .integer, valueName: "MS", help: "start this many ms after the first event"),
    FlagSpec("to", value: .integer, valueName: "MS", help: "end this many ms after the first event"),
]

package struct TimelineShow: Command {
    package let spec = CommandSpec("show", summary: "the timeline as a chart in the terminal",
                           flags: [FlagSpec("width", value: .integer, valueName: "W", help: "columns of the chart (default 60)")] + rangeFlags,
                           examples: ["timeline", "timeline --width 100 --from 0 --to 50"])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let model = try timelineModel(arguments, context)
        let width = try arguments.integer("width", default: 60, range: 10...400)
        let chart = TimelineRenderer(width: width).spans(model)
        var rows: [[Value]] = []
        for row in model.rows {
            let alive = Double(max(1, row.aliveTime))
            rows.append([.string(row.actor), .int(Int(row.threadID)),
                         .quantity(Double(row.time(in: .running)) * 100 / alive, .percent),
                         .quantity(Double(row.time(in: .waitingGIL)) * 100 / alive, .percent),
                         .quantity(Double(row.time(in: .waitingLock)) * 100 / alive, .percent),
                         .quantity(Double(row.time(in: .sleeping)) * 100 / alive, .percent)])
        }
        let table = Table(columns: ["actor", "tid", "running_pct", "gil_wait_pct", "lock_wait_pct", "sleeping_pct"], rows: rows,
                          summary: Record([("span_ms", .ms(model.to - model.from)), ("dropped", .int(model.dropped))]))
        return .group([.styled(chart), .table(table)])
    }
}

package struct TimelineExport: Command {
    package let spec = CommandSpec("export", summary: "write the timeline (or, with --last, the last result as bars) to FILE.svg or FILE.html",
                           arguments: [ArgumentSpec("FILE", .path, help: "ends in .svg or .html")],
                           flags: rangeFlags + [FlagSpec("last", help: "chart the last table result (bench, par compare, bench ipc) instead")],
                           examples: ["timeline export run.html", "timeline export bench.svg --last"])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let file = try arguments.require("FILE")
        guard file.hasSuffix(".svg") || file.hasSuffix(".html") else {
            throw UsageError("FILE must end in .svg or .html, got '\(file)'", usage: arguments.usage)
        }
        let path = try context.session.writablePath(file)
        let title: String
        let svg: String
        var rows = 0
        if arguments.flag("last") {
            guard let bars = BarChart.from(context.session.lastResult) else {
                throw CommandError("the last result has no numbers to chart; run e.g. 'bench …' or a table command first")
            }
            title = bars.title
            svg = ChartExport.barsSVG(title: bars.title, labels: bars.labels, values: bars.values, unit: bars.unit)
            rows = bars.labels.count
        } else {
            let model = try timelineModel(arguments, context)
            guard !model.rows.isEmpty else { throw CommandError("no events recorded: 'trace on' (or 'trace COMMAND') first") }
            title = "conclab timeline"
            svg = ChartExport.timelineSVG(model)
            rows = model.rows.count
        }
        let text = file.hasSuffix(".svg") ? svg : ChartExport.html(title: title, svg: svg)
        do { try Files.writeAtomically(path, text) } catch { throw CommandError("\(error)") }
        return .record(Record(title: "exported", [("file", .string(path)), ("rows", .int(rows)), ("bytes", .bytes(Int64(text.utf8.count)))]))
    }
}

/// Bars from a result: a table's first text column as labels and its first numeric column as values,
/// or a record's numeric fields.
package struct BarChart {
    package var title: String
    package var labels: [String]
    package var values: [Double]
    package var unit: String

    package static func from(_ result: LabResult) -> BarChart? {
        switch result {
        case .group(let results): return results.reversed().lazy.compactMap(from).first
        case .table(let table):
            guard !table.rows.isEmpty else { return nil }
            let labelColumn = table.columns.indices.first { c in table.rows.allSatisfy { if case .string = $0[c] { return true } else { return false } } }
            guard let valueColumn = table.columns.indices.first(where: { c in table.rows.allSatisfy { $0[c].number != nil } }) else { return nil }
            let labels = table.rows.enumerated().map { i, row in labelColumn.map { HumanRenderer(color: false).cell(row[$0]) } ?? "row \(i + 1)" }
            return BarChart(title: (table.title ?? "result") + ": " + table.columns[valueColumn], labels: labels,
                            values: table.rows.map { $0[valueColumn].number ?? 0 }, unit: unit(of: table.rows[0][valueColumn]))
        case .record(let record):
            let numeric = record.fields.filter { $0.1.number != nil }
            guard !numeric.isEmpty else { return nil }
            return BarChart(title: record.title ?? "result", labels: numeric.map(\.0), values: numeric.map { $0.1.number ?? 0 },
                            unit: unit(of: numeric[0].1))
        default: return nil
        }
    }

    package static func unit(of value: Value) -> String {
        if case .quantity(_, let u) = value { return u == .microseconds ? "µs" : u.rawValue }
        return ""
    }
}
