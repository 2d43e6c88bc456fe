import Testing
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide
import TestSupport
import Foundation

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
        expectEqual(dropped, 6)
        let expected: [Int64] = (6..<10).map { (i: Int) -> Int64 in 1_000_000_000 + Int64(i) * 1_000_000 }
        expectEqual(events.map(\.nanoseconds), expected)
    }

    @Test func recorderSortsByTimeAndIgnoresEventsWhileOff() {
        let recorder = EventRecorder()
        recorder.record("t1", .running)
        #expect(recorder.snapshot().events.isEmpty)
        recorder.append(event(5, "t2", .running))
        recorder.append(event(1, "t1", .running))
        expectEqual(recorder.snapshot().events.map(\.actor), ["t1", "t2"])
        recorder.setOn(true)
        recorder.record("t3", .start)
        expectEqual(recorder.snapshot().events.last?.actor, "t3")
        recorder.clear()
        #expect(recorder.snapshot().events.isEmpty && recorder.snapshot().dropped == 0)
    }

    @Test func modelBuildsSegmentsPerActor() {
        let model = TimelineModel(events: convoy)
        expectEqual(model.rows.map(\.actor), ["t1", "t2"])
        expectEqual(model.rows[0].threadID, 101)
        expectEqual(model.rows[0].time(in: .running), 20_000_000)
        expectEqual(model.rows[0].time(in: .waitingGIL), 10_000_000)
        expectEqual(model.rows[0].time(in: .sleeping), 10_000_000)
        expectEqual(model.rows[1].time(in: .waitingLock), 10_000_000)
        expectEqual(model.rows[1].segments.last?.detail, "L1")
    }

    @Test func modelClipsToARange() {
        let model = TimelineModel(events: convoy, from: 1_000_000_000 + 15_000_000, to: 1_000_000_000 + 25_000_000)
        expectEqual(model.rows[0].time(in: .waitingGIL), 5_000_000)
        expectEqual(model.rows[0].time(in: .running), 5_000_000)
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
        expectEqual(svg.components(separatedBy: "<g class=\"row\"").count, 3)
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
        expectEqual(bars.labels, ["sequential", "processes"])
        expectEqual(bars.values, [200, 105])
        expectEqual(bars.unit, "ms")
        #expect(ChartExport.barsSVG(title: bars.title, labels: bars.labels, values: bars.values, unit: bars.unit).contains("processes: 105 ms"))
    }

    @Test func traceRecordsExactlyOneCommand() {
        let session = Session()
        let outcome = session.execute("trace sleep 1")
        #expect(outcome.succeeded)
        expectEqual(EventRecorder.of(session).isOn, false)
        expectEqual(session.execute("trace status").result.fields["tracing"], .bool(false))
        expectEqual(session.execute("timeline export x.txt").failure?.kind, .usage)
    }
}

/// Two interpreter threads handing the GIL over: each hand-over stamped by both threads, the drop a moment after
/// the other's acquire (as it happens when the dropping thread is preempted before it records).
private let handOvers: [TimelineEvent] = [
    event(0, "t1", .start, tid: 101), event(0, "t2", .start, tid: 102),
    event(1, "t1", .gilAcquire, tid: 101), event(1, "t2", .gilRequest, tid: 102),
    event(10, "t2", .gilAcquire, tid: 102), event(11, "t1", .forcedSwitch, tid: 101), event(11, "t1", .gilRequest, tid: 101),
    event(20, "t1", .gilAcquire, tid: 101), event(21, "t2", .forcedSwitch, tid: 102), event(21, "t2", .gilRequest, tid: 102),
    event(30, "t1", .gilDrop, tid: 101), event(30, "t1", .end, tid: 101),
    event(31, "t2", .gilAcquire, tid: 102), event(40, "t2", .gilDrop, tid: 102), event(40, "t2", .end, tid: 102),
    event(60, "shell", .sleeping, tid: 100),
]

@Suite("Timeline fixes")
struct TimelineFixTests {
    @Test func gilThreadsNeverRunAtOnceAndTheirRowsEndWhenTheyEnd() {
        let model = TimelineModel(events: handOvers)
        let running = model.rows.filter { $0.actor.hasPrefix("t") }.map { row in row.segments.filter { $0.state == .running } }
        expectEqual(running.count, 2)
        for a in running[0] {
            for b in running[1] { #expect(a.end <= b.start || b.end <= a.start, "t1 \(a) and t2 \(b) overlap") }
        }
        let t1 = model.rows[0], t2 = model.rows[1]
        #expect(t1.endedAt == 1_030_000_000 && t2.endedAt == 1_040_000_000)
        #expect(t1.segments.allSatisfy { $0.end <= 1_030_000_000 }, "t1 is drawn after it ended")
        #expect(t2.segments.allSatisfy { $0.end <= 1_040_000_000 })
        // Before its first acquire a GIL thread waits; it runs only while it holds the GIL.
        expectEqual(t2.segments.first?.state, .waitingGIL)
        expectEqual(t1.time(in: .running), 19_000_000)
        expectEqual(t2.time(in: .running), 19_000_000)
        expectEqual(model.to, 1_060_000_000)
    }

    @Test func theSVGCarriesEachSpanAndEachEnd() {
        let svg = ChartExport.timelineSVG(TimelineModel(events: handOvers))
        #expect(svg.contains("data-actor=\"t1\" data-id=\"tid 101\" data-ended-ns=\"30000000\""))
        #expect(svg.contains("data-state=\"running\" data-start-ns=\"1000000\" data-end-ns=\"10000000\""))
    }

    @Test func aProcessRowIsItsWorkersPid() {
        let events = [event(0, "p1", .spawn, tid: 100, "pid 4242, spawn: spin 200"), event(0, "p1", .running, tid: 100),
                      event(200, "p1", .exit, tid: 100, "exited 0")]
        let model = TimelineModel(events: events)
        expectEqual(model.rows[0].processID, 4242)
        #expect(ChartExport.timelineSVG(model).contains("data-id=\"pid 4242\""))
        expectEqual(model.rows[0].time(in: .running), 200_000_000)
    }

    @Test func aRangeIsLabelledFromTheFirstEvent() {
        let events = (0...10).map { event(Int64($0) * 100, "t1", $0 % 2 == 0 ? .running : .sleeping) }
        let model = TimelineModel(events: events, from: 1_500_000_000, to: 1_800_000_000)
        #expect(model.axisLabels.start == "500 ms" && model.axisLabels.end == "800 ms")
        let chart = TimelineRenderer(width: 20).render(model)
        #expect(chart.split(separator: "\n")[0].hasSuffix("500 ms        800 ms"), "\(chart)")
        let svg = ChartExport.timelineSVG(model)
        #expect(svg.contains(">500 ms</text>") && svg.contains(">800 ms</text>"))
        #expect(TimelineModel(events: events).axisLabels == ("0", "1.00 s"))
    }

    @Test func rowsGoOnUntilRecordingStopped() {
        let model = TimelineModel(events: [event(0, "t1", .start)], recordedUntil: 1_050_000_000)
        expectEqual(model.rows[0].time(in: .running), 50_000_000)
    }

    @Test func exportLastChartsDurations() throws {
        let compare = Table(title: "spin 50", columns: ["mode", "workers", "wall_ms"],
                            rows: [[.string("sequential"), .int(1), .quantity(100, .milliseconds)], [.string("threads"), .int(2), .quantity(52, .milliseconds)]])
        let bars = try #require(BarChart.from(.group([.table(compare)])))
        #expect(bars.title == "spin 50: wall_ms" && bars.values == [100, 52])
        let bench = Record(title: "bench: x", [("runs", .int(10)), ("warmup", .int(1)), ("min_ms", .quantity(1, .milliseconds)),
                                              ("median_ms", .quantity(2, .milliseconds)), ("max_ms", .quantity(3, .milliseconds))])
        let fromRecord = try #require(BarChart.from(.record(bench)))
        expectEqual(fromRecord.labels, ["min_ms", "median_ms", "max_ms"])
    }
}

@Suite("Timeline in a session", .serialized, .timeLimit(.minutes(1)))
struct TimelineSessionTests {
    @Test func anSVGExportedAfterAnHTMLChartsTheSameResult() throws {
        let dir = try FDScratch("export")
        defer { dir.remove() }
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute("bench echo x -n 2").succeeded)
        #expect(session.execute("timeline export \(dir.file("a.html")) --last").succeeded)
        #expect(session.execute("timeline export \(dir.file("b.svg")) --last").succeeded)
        let svg = try String(contentsOfFile: dir.file("b.svg"), encoding: .utf8)
        #expect(svg.contains(">bench: echo x</text>"), "\(svg.prefix(300))")
        #expect(svg.contains("data-actor=\"median_ms\"") && !svg.contains("data-actor=\"runs\""))
    }

    @Test func traceOfASpawnRecordsTheThreadsRunToItsEnd() {
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute("trace thread spawn spin 300").succeeded)
        let recorder = EventRecorder.of(session)
        #expect(eventually(within: 20) { !recorder.isOn }, "recording did not stop when t1 ended")
        let events = recorder.snapshot().events.filter { $0.actor == "t1" }
        #expect(events.map(\.kind).contains(.start) && events.last?.kind == .end)
        let model = TimelineModel(events: recorder.snapshot().events, recordedUntil: recorder.recordedUntil)
        expectEqual(model.rows.first { $0.actor == "t1" }.map { $0.time(in: .running) > 0 && $0.endedAt != nil }, true)
    }

    @Test func aSnippetThreadsEndIsRecorded() {
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute("trace on").succeeded)
        #expect(session.execute("thread spawn --py 'x = 1'").succeeded)
        #expect(session.execute("thread join t1").succeeded)
        let kinds = EventRecorder.of(session).snapshot().events.filter { $0.actor == "t1" }.map(\.kind)
        #expect(kinds.first == .start && kinds.last == .end, "\(kinds)")
        #expect(kinds.contains(.gilAcquire))
    }

    @Test func aThreadStillRunningIsDrawnRunningUpToNow() {
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute("trace on").succeeded)
        #expect(session.execute("thread spawn sleep 5000").succeeded)
        #expect(eventually { EventRecorder.of(session).snapshot().events.contains { $0.actor == "t1" && $0.kind == .sleeping } })
        let shown = session.execute("timeline")
        let row = shown["rows"].flatMap { rows -> Value? in if case .list(let items) = rows { return items.first } else { return nil } }
        guard case .record(let t1)? = row else { Issue.record("no row: \(shown.text)"); return }
        expectEqual(t1["actor"], .string("t1"))
        expectEqual(t1["sleeping_pct"].flatMap(\.number).map { $0 > 0 }, true, "\(shown.text)")
    }
}
