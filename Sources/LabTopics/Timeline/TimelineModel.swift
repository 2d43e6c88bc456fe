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
        public var threadID: Int32
        public var segments: [Segment]
        public var marks: [Mark]

        /// Nanoseconds spent in `state` within the row's segments.
        public func time(in state: RowState) -> Int64 {
            segments.filter { $0.state == state }.reduce(0) { $0 + ($1.end - $1.start) }
        }

        /// Time alive (every state but ended).
        public var aliveTime: Int64 { segments.filter { $0.state != .ended }.reduce(0) { $0 + ($1.end - $1.start) } }
    }

    public var from: Int64
    public var to: Int64
    public var rows: [Row]
    public var dropped: Int

    /// Builds rows from time-ordered events, clipped to [from, to] (absolute nanoseconds; nil = the events' span).
    public init(events: [TimelineEvent], dropped: Int = 0, from: Int64? = nil, to: Int64? = nil) {
        let first = events.first?.nanoseconds ?? 0
        let last = events.last?.nanoseconds ?? first
        let lower = from ?? first
        let upper = max(to ?? last, lower)
        self.from = lower
        self.to = upper
        self.dropped = dropped
        var order: [String] = []
        var open: [String: (start: Int64, state: RowState, detail: String)] = [:]
        var rowsByActor: [String: Row] = [:]
        func close(_ actor: String, at time: Int64) {
            guard let current = open[actor] else { return }
            let s = max(current.start, lower), e = min(time, upper)
            if e > s { rowsByActor[actor]?.segments.append(Segment(start: s, end: e, state: current.state, detail: current.detail)) }
        }
        for event in events {
            if rowsByActor[event.actor] == nil {
                order.append(event.actor)
                rowsByActor[event.actor] = Row(actor: event.actor, threadID: event.threadID, segments: [], marks: [])
            }
            if let state = event.kind.state {
                close(event.actor, at: event.nanoseconds)
                open[event.actor] = state == .ended ? nil : (event.nanoseconds, state, event.detail)
            }
            if event.kind.state == nil || [.lockAcquire, .gilAcquire, .start, .end, .exit].contains(event.kind),
               event.nanoseconds >= lower && event.nanoseconds <= upper {
                rowsByActor[event.actor]?.marks.append(Mark(at: event.nanoseconds, kind: event.kind, detail: event.detail))
            }
        }
        for actor in order { close(actor, at: upper) }
        rows = order.compactMap { rowsByActor[$0] }
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

    public init(width: Int = 60, color: Bool = false) {
        self.width = max(10, width)
        self.color = color
    }

    public static func glyph(_ state: RowState?) -> Character {
        switch state {
        case .running: return "█"
        case .waitingGIL: return "▒"
        case .waitingLock: return "x"
        case .sleeping: return "·"
        case .ended, nil: return " "
        }
    }

    package static func colorCode(_ state: RowState?) -> String {
        switch state {
        case .running: return "32"
        case .waitingGIL: return "33"
        case .waitingLock: return "31"
        case .sleeping: return "34"
        default: return "0"
        }
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
        let total = Format.duration(nanoseconds: Double(span))
        add(Format.pad("", nameWidth) + " 0" + String(repeating: " ", count: max(1, width - 1 - total.count)) + total)
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
            let waiting = Double(row.time(in: .waitingGIL) + row.time(in: .waitingLock)) * 100 / Double(alive)
            add("| " + "run " + Format.fixed(running, 0) + "%  wait " + Format.fixed(waiting, 0) + "%")
        }
        add("\nlegend: █ running  ▒ waiting for the GIL  x waiting for a lock  · sleeping")
        if model.dropped > 0 { add("\n(\(model.dropped) older events were dropped: the recorder keeps the newest)") }
        return spans
    }
}
