import Testing
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide

private func event(_ ms: Int64, _ actor: String, _ kind: EventKind, tid: Int32 = 100, _ detail: String = "") -> TimelineEvent {
    TimelineEvent(nanoseconds: 1_000_000_000 + ms * 1_000_000, threadID: tid, actor: actor, kind: kind, detail: detail)
}

/// Two threads taking turns with the GIL for 40 ms, then t2 waits on a lock and t1 sleeps.
private let convoy: [TimelineEvent] = [
    event(0, "t1", .start, tid: 101), event(0, "t2", .start, tid: 102), event(0, "t2", .waitingGIL, tid: 102),
    event(10, "t1", .waitingGIL, tid: 101), event(10, "t2", .running, tid: 102),
    event(20, "t1", .running, tid: 101), event(20, "t2", .waitingGIL, tid: 102),
    event(30, "t1", .sleeping, tid: 101), event(30, "t2", .waitingLock, tid: 102, "L1"),
    event(40, "t1", .end, tid: 101), event(40, "t2", .end, tid: 102),
]

@Suite("Timeline")
struct TimelineTests {
    @Test func recorderKeepsTheNewestAndCountsWhatItDrops() {
        let recorder = EventRecorder(capacity: 4)
        for i in 0..<10 { recorder.append(event(Int64(i), "t1", .running)) }
        let (events, dropped) = recorder.snapshot()
        #expect(dropped == 6)
        #expect(events.map(\.nanoseconds) == (6..<10).map { 1_000_000_000 + Int64($0) * 1_000_000 })
    }

    @Test func recorderSortsByTimeAndIgnoresEventsWhileOff() {
        let recorder = EventRecorder()
        recorder.record("t1", .running)
        #expect(recorder.snapshot().events.isEmpty)
        recorder.append(event(5, "t2", .running))
        recorder.append(event(1, "t1", .running))
        #expect(recorder.snapshot().events.map(\.actor) == ["t1", "t2"])
        recorder.setOn(true)
        recorder.record("t3", .start)
        #expect(recorder.snapshot().events.last?.actor == "t3")
        recorder.clear()
        #expect(recorder.snapshot().events.isEmpty && recorder.snapshot().dropped == 0)
    }

    @Test func modelBuildsSegmentsPerActor() {
        let model = TimelineModel(events: convoy)
        #expect(model.rows.map(\.actor) == ["t1", "t2"])
        #expect(model.rows[0].threadID == 101)
        #expect(model.rows[0].time(in: .running) == 20_000_000)
        #expect(model.rows[0].time(in: .waitingGIL) == 10_000_000)
        #expect(model.rows[0].time(in: .sleeping) == 10_000_000)
        #expect(model.rows[1].time(in: .waitingLock) == 10_000_000)
        #expect(model.rows[1].segments.last?.detail == "L1")
    }

    @Test func modelClipsToARange() {
        let model = TimelineModel(events: convoy, from: 1_000_000_000 + 15_000_000, to: 1_000_000_000 + 25_000_000)
        #expect(model.rows[0].time(in: .waitingGIL) == 5_000_000)
        #expect(model.rows[0].time(in: .running) == 5_000_000)
    }

    @Test func terminalChartIsStable() {
        // Ten columns of 4 ms; a column shows the state that covers most of it (ties: running first).
        let chart = TimelineRenderer(width: 10, color: false).render(TimelineModel(events: convoy))
        #expect(chart == """
                  0  40.0 ms
            t1    |███▒▒███··| run 50%  wait 25%
            t2    |▒▒███▒▒▒xx| run 25%  wait 75%
            legend: █ running  ▒ waiting for the GIL  x waiting for a lock  · sleeping
            """)
    }

    @Test func colourWrapsTheGlyphsOnly() {
        let model = TimelineModel(events: convoy)
        let plain = TimelineRenderer(width: 10, color: false).render(model)
        let coloured = TimelineRenderer(width: 10, color: true).render(model)
        #expect(coloured.contains("\u{1B}[32m███\u{1B}[0m"))
        #expect(coloured.replacing(/\x1B\[[0-9;]*m/, with: "") == plain)
    }

    @Test func droppedEventsAreReportedUnderTheChart() {
        let chart = TimelineRenderer(width: 10).render(TimelineModel(events: convoy, dropped: 3))
        #expect(chart.hasSuffix("(3 older events were dropped: the recorder keeps the newest)"))
    }

    @Test func exportsAreSelfContained() {
        let svg = ChartExport.timelineSVG(TimelineModel(events: convoy))
        #expect(svg.components(separatedBy: "<g class=\"row\"").count == 3)
        #expect(svg.contains("<title>t2 (tid 102): waiting for a lock for 10.0 ms from 30.0 ms — L1</title>"))
        let html = ChartExport.html(title: "a <b> test", svg: svg)
        #expect(html.contains("<title>a &lt;b&gt; test</title>"))
        #expect(!html.contains("http://") || !html.contains("src="))
        #expect(!html.contains("<script src"))
    }

    @Test func barsFromATable() throws {
        let table = Table(title: "par compare", columns: ["mode", "wall_ms"],
                          rows: [[.string("sequential"), .quantity(200, .milliseconds)], [.string("processes"), .quantity(105, .milliseconds)]])
        let bars = try #require(BarChart.from(.table(table)))
        #expect(bars.labels == ["sequential", "processes"])
        #expect(bars.values == [200, 105])
        #expect(bars.unit == "ms")
        #expect(ChartExport.barsSVG(title: bars.title, labels: bars.labels, values: bars.values, unit: bars.unit).contains("processes: 105 ms"))
    }

    @Test func traceRecordsExactlyOneCommand() {
        let session = Session()
        let outcome = session.execute("trace sleep 1")
        #expect(outcome.succeeded)
        #expect(EventRecorder.of(session).isOn == false)
        #expect(session.execute("trace status").result.fields["tracing"] == .bool(false))
        #expect(session.execute("timeline export x.txt").failure?.kind == .usage)
    }
}
