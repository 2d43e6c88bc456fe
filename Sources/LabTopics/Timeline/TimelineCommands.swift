import LabOS
import LabCore
import PyLab

/// `trace on|off|clear|status` and `trace COMMAND…`: the event recorder.
package struct TraceCommand: Command {
    package init() {}
    package let spec = CommandSpec("trace", summary: "record thread, process, lock and GIL events for the timeline",
                           arguments: [ArgumentSpec("COMMAND", .command, variadic: true,
                                                    help: "on, off, clear, status — or a command to record exactly")],
                           examples: ["trace on", "trace clear", "trace thread spawn spin 200"],
                           discussion: """
                               'trace COMMAND' clears the recorder and records that command; when it starts threads or \
                               processes that go on after it returns, recording goes on until each has ended ('trace status' \
                               names them, 'trace off' stops at once). The recorder keeps the newest 65,536 events and counts \
                               what it dropped. Off, it costs one atomic load per event.
                               """,
                           fields: [FieldSpec("traced", "the command recorded (trace COMMAND; its own result comes before)", occasional: true),
                                    FieldSpec("tracing", "whether the recorder is on (trace status)", occasional: true),
                                    FieldSpec("events", "events the recorder holds"), FieldSpec("dropped", "events dropped because it was full"),
                                    FieldSpec("capacity", "the most events it keeps (trace status)", occasional: true),
                                    FieldSpec("until_ended", "threads and processes it waits for before it stops (trace status; trace COMMAND that left some running)",
                                              occasional: true)])

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
                                   ("dropped", .int(dropped)), ("capacity", .int(recorder.capacity)),
                                   ("until_ended", .list(recorder.awaited.sorted().map(Value.string)))]))
        default:
            guard let line = arguments.commandLine else { throw UsageError("trace needs on, off, clear, status or a command", usage: arguments.usage) }
            let wasOn = recorder.isOn
            let objects = context.session.objects
            let before = Set(objects.all().map(\.handle))
            recorder.clear()
            recorder.setOn(true)
            let result: LabResult
            do { result = try context.runNested(line) } catch {
                recorder.setOn(wasOn)
                throw error
            }
            // Threads and processes the command started and left running: recorded until they end.
            let started = Set(objects.all().filter { !before.contains($0.handle) && [.thread, .process].contains($0.object.kind) }.map(\.handle))
            let awaited = wasOn ? [] : recorder.stopWhenEnded(started)
            let (events, dropped) = recorder.snapshot()
            var note = Record([("traced", .string(line)), ("events", .int(events.count)), ("dropped", .int(dropped))])
            if !awaited.isEmpty { note.append("until_ended", .list(awaited.sorted().map(Value.string))) }
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
    let recorder = EventRecorder.of(context.session)
    let until = recorder.recordedUntil
    let (events, dropped) = recorder.snapshot()
    let origin = events.first?.nanoseconds ?? 0
    let from = try arguments.integer("from").map { origin + Time.nanoseconds(milliseconds: $0) }
    let to = try arguments.integer("to").map { origin + Time.nanoseconds(milliseconds: $0) }
    if let from, let to, to <= from { throw UsageError("--to must be after --from", usage: arguments.usage) }
    return TimelineModel(events: events, dropped: dropped, from: from, to: to, recordedUntil: events.isEmpty ? nil : until)
}

private let rangeFlags = [
    FlagSpec("from", value: .integer, valueName: "MS", help: "start this many ms after the first event"),
    FlagSpec("to", value: .integer, valueName: "MS", help: "end this many ms after the first event"),
]

package struct TimelineShow: Command {
    package let spec = CommandSpec("show", summary: "the timeline as a chart in the terminal",
                           flags: [FlagSpec("width", value: .integer, valueName: "W", help: "columns of the chart (default: what the terminal has room for, else 60)")] + rangeFlags,
                           examples: ["timeline", "timeline --width 100 --from 0 --to 50"],
                           discussion: "Rows are threads (tid) and processes (pid). Percentages are of the time each was alive within the span.",
                           fields: [.column("actor", "a thread or process, as the recorder named it"),
                                    .column("tid", "its OS thread id, null for a process"), .column("pid", "its process id, null for a thread"),
                                    .column("running_pct", "time it ran, in per cent of its time alive in the span"),
                                    .column("gil_wait_pct", "time it waited for the GIL, the same way"),
                                    .column("lock_wait_pct", "time it waited for a lab lock, the same way"),
                                    .column("sleeping_pct", "time it slept or blocked (an interpreter thread: off the GIL), the same way"),
                                    .column("cpu_wait_pct", "time it was ready to run but had no CPU (a thread of 'watch python3'), the same way"),
                                    FieldSpec("span_ms", "the time the chart covers"), FieldSpec("from_ms", "where it starts, after the first event"),
                                    FieldSpec("dropped", "events the recorder dropped because it was full")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let model = try timelineModel(arguments, context)
        let width: Int
        if arguments.has("width") {
            width = try arguments.integer("width", default: 60, range: 10...400)
        } else if let columns = context.session.settings.terminalColumns {
            width = TimelineRenderer.chartWidth(fitting: columns, model)
        } else {
            width = 60
        }
        let chart = TimelineRenderer(width: width, columns: context.session.settings.terminalColumns).spans(model)
        var rows: [[Value]] = []
        for row in model.rows {
            let alive = Double(max(1, row.aliveTime))
            rows.append([.string(row.actor), row.processID == nil ? .int(Int(row.threadID)) : .null,
                         row.processID.map { .int(Int($0)) } ?? .null,
                         .quantity(Double(row.time(in: .running)) * 100 / alive, .percent),
                         .quantity(Double(row.time(in: .waitingGIL)) * 100 / alive, .percent),
                         .quantity(Double(row.time(in: .waitingLock)) * 100 / alive, .percent),
                         .quantity(Double(row.time(in: .sleeping)) * 100 / alive, .percent),
                         .quantity(Double(row.time(in: .waitingCPU)) * 100 / alive, .percent)])
        }
        let table = Table(columns: ["actor", "tid", "pid", "running_pct", "gil_wait_pct", "lock_wait_pct", "sleeping_pct", "cpu_wait_pct"], rows: rows,
                          summary: Record([("span_ms", .ms(model.to - model.from)), ("from_ms", .ms(model.from - model.origin)),
                                           ("dropped", .int(model.dropped))]))
        return .group([.styled(chart), .table(table)])
    }
}

package struct TimelineExport: Command {
    package let spec = CommandSpec("export", summary: "write the timeline (or, with --last, the last result as bars) to FILE.svg or FILE.html",
                           arguments: [ArgumentSpec("FILE", .path, help: "ends in .svg or .html")],
                           flags: rangeFlags + [FlagSpec("last", help: "chart the last table result (bench, par compare, bench ipc) instead")],
                           examples: ["timeline export run.html", "timeline export bench.svg --last"],
                           fields: [FieldSpec("file", "the file written, as a full path"),
                                    FieldSpec("rows", "rows of the timeline, or bars of the chart (--last)"),
                                    FieldSpec("bytes", "the file's size", unit: .bytes)])

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
        try context.session.sandbox?.charge(writing: text.utf8.count)
        do { try Files.writeAtomically(path, text) } catch { throw CommandError("\(error)") }
        // This record is about the file: a second export (--last) still charts the result before it.
        context.keepsLastResult = true
        return .record(Record(title: "exported", [("file", .string(path)), ("rows", .int(rows)), ("bytes", .bytes(Int64(text.utf8.count)))]))
    }
}

/// Bars from a result: a table's first text column as labels and its time column as values (the first column of
/// durations, else the first numeric column), or a record's durations (else its numeric fields) — so `par compare`
/// charts `wall_ms`, not `workers`, and `bench` its min, median, mean and max, not its run counts.
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
            let numeric = table.columns.indices.filter { c in table.rows.allSatisfy { c < $0.count && $0[c].number != nil } }
            guard let valueColumn = numeric.first(where: { c in table.rows.allSatisfy { isDuration($0[c]) } }) ?? numeric.first else { return nil }
            let labels = table.rows.enumerated().map { i, row in labelColumn.map { HumanRenderer(color: false).cell(row[$0]) } ?? "row \(i + 1)" }
            return BarChart(title: (table.title ?? "result") + ": " + table.columns[valueColumn], labels: labels,
                            values: table.rows.map { $0[valueColumn].number ?? 0 }, unit: unit(of: table.rows[0][valueColumn]))
        case .record(let record):
            var chosen = record.fields.filter { isDuration($0.1) }
            if chosen.isEmpty { chosen = record.fields.filter { $0.1.number != nil } }
            // One unit on one axis: the fields in the first one's unit.
            if let first = chosen.first { chosen = chosen.filter { unit(of: $0.1) == unit(of: first.1) } }
            guard !chosen.isEmpty else { return nil }
            return BarChart(title: record.title ?? "result", labels: chosen.map(\.0), values: chosen.map { $0.1.number ?? 0 },
                            unit: unit(of: chosen[0].1))
        default: return nil
        }
    }

    /// A quantity of time (ms, µs, ns, s).
    package static func isDuration(_ value: Value) -> Bool {
        guard case .quantity(_, let u) = value else { return false }
        return [.nanoseconds, .microseconds, .milliseconds, .seconds].contains(u)
    }

    package static func unit(of value: Value) -> String {
        if case .quantity(_, let u) = value { return u == .microseconds ? "µs" : u.rawValue }
        return ""
    }
}
