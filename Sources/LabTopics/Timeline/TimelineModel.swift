import LabCore
import PyLab
/// Events turned into rows of state segments: the model both the terminal chart and the SVG/HTML export draw.
public struct TimelineModel: Sendable, Equatable {
    public struct Segment: Sendable, Equatable {
        public var start: Int64
        public var end: Int64
        public var state: RowState
        public var detail: String
    }

    public struct Mark: Sendable, Equatable {
        public var at: Int64
        public var kind: EventKind
        public var detail: String
    }

    public struct Row: Sendable, Equatable {
        public var actor: String
        /// The OS thread id of the thread the row is (for a process row, the shell's thread that started it).
        public var threadID: Int32
        /// A process row's pid, from its spawn event (`pid 1234, …`); nil for a thread.
        public var processID: Int32?
        public var segments: [Segment]
        public var marks: [Mark]
        /// When the actor ended (its `end` or `exit` event), if it did within the span.
        public var endedAt: Int64?

        /// Nanoseconds spent in `state` within the row's segments.
        public func time(in state: RowState) -> Int64 {
            segments.filter { $0.state == state }.reduce(0) { $0 + ($1.end - $1.start) }
        }

        /// Time alive (every state but ended).
        public var aliveTime: Int64 { segments.filter { $0.state != .ended }.reduce(0) { $0 + ($1.end - $1.start) } }
    }

    public var from: Int64
    public var to: Int64
    /// The first event's time: the axis counts from it, so `--from 500` is labelled 500 ms.
    public var origin: Int64
    public var rows: [Row]
    public var dropped: Int

    /// Builds rows from time-ordered events, clipped to [from, to] (absolute nanoseconds; nil = the events' span,
    /// or up to `recordedUntil`, the moment recording stopped, so a thread still running then shows running).
    ///
    /// A thread of the interpreter (one with GIL events) runs only while it holds the GIL: it waits for the GIL
    /// from its start until it first gets it, waits again after a forced switch, and is off the GIL (drawn as
    /// sleeping: a blocking call, or its last instant) after it lets go on its own. As there is one GIL, a thread
    /// taking it ends the running span of any other thread still drawn as holding it: the hand-over events of two
    /// threads are stamped on two threads, and the one letting go may stamp its drop a moment after the other's
    /// acquire. So the running spans of GIL threads never overlap.
    public init(events: [TimelineEvent], dropped: Int = 0, from: Int64? = nil, to: Int64? = nil, recordedUntil: Int64? = nil) {
        let first = events.first?.nanoseconds ?? 0
        let last = max(events.last?.nanoseconds ?? first, recordedUntil ?? first)
        let lower = from ?? first
        let upper = max(to ?? last, lower)
        self.from = lower
        self.to = upper
        self.origin = first
        self.dropped = dropped
        let gilKinds: Set<EventKind> = [.gilRequest, .gilAcquire, .gilDrop, .forcedSwitch]
        let gilActors = Set(events.filter { gilKinds.contains($0.kind) }.map(\.actor))
        var order: [String] = []
        var open: [String: (start: Int64, state: RowState, detail: String)] = [:]
        var rowsByActor: [String: Row] = [:]
        var gilHolder: String?
        func close(_ actor: String, at time: Int64) {
            guard let current = open[actor] else { return }
            let s = max(current.start, lower), e = min(time, upper)
            if e > s { rowsByActor[actor]?.segments.append(Segment(start: s, end: e, state: current.state, detail: current.detail)) }
        }
        func enter(_ actor: String, _ state: RowState?, at time: Int64, _ detail: String) {
            close(actor, at: time)
            open[actor] = state.map { (time, $0, detail) }
        }
        for event in events {
            let actor = event.actor
            if rowsByActor[actor] == nil {
                order.append(actor)
                rowsByActor[actor] = Row(actor: actor, threadID: event.threadID, segments: [], marks: [])
            }
            if event.kind == .spawn, rowsByActor[actor]?.processID == nil { rowsByActor[actor]?.processID = Self.pid(in: event.detail) }
            let state = Self.state(after: event.kind, gilThread: gilActors.contains(actor))
            if let state {
                if event.kind == .gilAcquire {
                    if let holder = gilHolder, holder != actor, open[holder]?.state == .running {
                        enter(holder, .waitingGIL, at: event.nanoseconds, "")
                    }
                    gilHolder = actor
                } else if gilHolder == actor {
                    gilHolder = nil
                }
                enter(actor, state == .ended ? nil : state, at: event.nanoseconds, event.detail)
                if state == .ended, event.nanoseconds >= lower, event.nanoseconds <= upper { rowsByActor[actor]?.endedAt = event.nanoseconds }
            }
            if state == nil || [.lockAcquire, .gilAcquire, .start, .end, .exit].contains(event.kind),
               event.nanoseconds >= lower && event.nanoseconds <= upper {
                rowsByActor[actor]?.marks.append(Mark(at: event.nanoseconds, kind: event.kind, detail: event.detail))
            }
        }
        for actor in order { close(actor, at: upper) }
        // A row with nothing but an end is the end of something started before the events (a thread started
        // before `trace clear`): nothing to draw.
        rows = order.compactMap { rowsByActor[$0] }.filter { row in
            !row.segments.isEmpty || row.marks.contains { $0.kind != .end && $0.kind != .exit }
        }
    }

    /// What a row shows after `kind`; nil when the event changes nothing. An interpreter thread's row follows the
    /// GIL (see `init`); every other row follows `EventKind.state`.
    package static func state(after kind: EventKind, gilThread: Bool) -> RowState? {
        guard gilThread else { return kind.state }
        switch kind {
        case .start, .forcedSwitch, .gilRequest, .waitingGIL: return .waitingGIL
        case .gilDrop: return .sleeping
        default: return kind.state
        }
    }

    /// The pid a spawn event names (`pid 1234, spawn: spin 200`).
    package static func pid(in detail: String) -> Int32? {
        guard detail.hasPrefix("pid ") else { return nil }
        return Int32(detail.dropFirst(4).prefix { $0.isNumber })
    }

    /// The axis's two ends, counted from the first event: "0" and "300 ms", or "500 ms" and "800 ms" for
    /// `--from 500 --to 800`.
    public var axisLabels: (start: String, end: String) {
        let start = from - origin
        return (start == 0 ? "0" : Format.duration(nanoseconds: Double(start)), Format.duration(nanoseconds: Double(to - origin)))
    }

    /// The state that covers most of [a, b) in `row`, or nil if none.
    package func dominantState(_ row: Row, _ a: Int64, _ b: Int64) -> RowState? {
        var best: (RowState, Int64)?
        for state in RowState.allCases where state != .ended {
            var covered: Int64 = 0
            for s in row.segments where s.state == state {
                covered += max(0, min(b, s.end) - max(a, s.start))
            }
            if covered > 0 && covered > (best?.1 ?? 0) { best = (state, covered) }
        }
        return best?.0
    }
}

/// The terminal chart: one row per thread or process, time across, a glyph per state, a legend and totals.
public struct TimelineRenderer: Sendable {
    public var width: Int
    public var color: Bool
    /// The terminal's columns, if known: a legend wider than that is split in two lines.
    public var columns: Int?

    public init(width: Int = 60, color: Bool = false, columns: Int? = nil) {
        self.width = max(10, width)
        self.color = color
        self.columns = columns
    }

    public static func glyph(_ state: RowState?) -> Character {
        switch state {
        case .running: return "█"
        case .waitingGIL: return "▒"
        case .waitingLock: return "x"
        case .waitingCPU: return "░"
        case .sleeping: return "·"
        case .ended, nil: return " "
        }
    }

    package static func colorCode(_ state: RowState?) -> String {
        switch state {
        case .running: return "32"
        case .waitingGIL: return "33"
        case .waitingLock: return "31"
        case .waitingCPU: return "35"
        case .sleeping: return "34"
        default: return "0"
        }
    }

    /// The widest chart whose rows fit in `columns`: the actor's name, the two bars around the glyphs and the
    /// run/wait figures after them take the rest.
    public static func chartWidth(fitting columns: Int, _ model: TimelineModel) -> Int {
        let nameWidth = max(5, model.rows.map { Format.width($0.actor.escapingControlCharacters()) }.max() ?? 0)
        return max(10, min(400, columns - nameWidth - 2 - 21))
    }

    /// The chart as text, coloured when `color` is on.
    public func render(_ model: TimelineModel) -> String {
        HumanRenderer(color: color).render(.styled(spans(model)))
    }

    /// The chart as styled text: the renderer colours the glyphs when colour is on (and escapes the actors' names).
    public func spans(_ model: TimelineModel) -> [StyledSpan] {
        guard !model.rows.isEmpty else { return [StyledSpan("no events recorded: 'trace on' (or 'trace COMMAND') first")] }
        var spans: [StyledSpan] = []
        func add(_ text: String, _ style: String? = nil) {
            if let last = spans.last, last.style == style { spans[spans.count - 1].text += text } else { spans.append(StyledSpan(text, style: style)) }
        }
        let span = max(1, model.to - model.from)
        let actors = model.rows.map { $0.actor.escapingControlCharacters() }
        let nameWidth = max(5, actors.map(Format.width).max() ?? 0)
        let (start, end) = model.axisLabels
        add(Format.pad("", nameWidth) + " " + start + String(repeating: " ", count: max(1, width - start.count - end.count)) + end)
        for (row, actor) in zip(model.rows, actors) {
            add("\n" + Format.pad(actor, nameWidth) + " |")
            for column in 0..<width {
                let a = model.from + span * Int64(column) / Int64(width)
                let b = model.from + span * Int64(column + 1) / Int64(width)
                let state = model.dominantState(row, a, max(b, a + 1))
                add(String(Self.glyph(state)), state == nil ? nil : Self.colorCode(state))
            }
            let alive = max(1, row.aliveTime)
            let running = Double(row.time(in: .running)) * 100 / Double(alive)
            let waiting = Double(row.time(in: .waitingGIL) + row.time(in: .waitingLock) + row.time(in: .waitingCPU)) * 100 / Double(alive)
            add("| " + "run " + Format.fixed(running, 0) + "%  wait " + Format.fixed(waiting, 0) + "%")
        }
        // The legend in one line when the terminal is as wide, else in two; a wait for a CPU only where a row has one.
        let cpuWait = model.rows.contains { $0.time(in: .waitingCPU) > 0 } ? "  ░ waiting for a CPU" : ""
        let legend = "legend: █ running  ▒ waiting for the GIL  x waiting for a lock  · sleeping" + cpuWait
        if (columns ?? Int.max) >= legend.count {
            add("\n" + legend)
        } else {
            add("\nlegend: █ running  ▒ waiting for the GIL\n        x waiting for a lock  · sleeping" + cpuWait)
        }
        if model.dropped > 0 { add("\n(\(model.dropped) older events were dropped: the recorder keeps the newest)") }
        return spans
    }
}
