import Foundation
import Testing
import TestSupport
import LabKit
import LabCore
import LabTopics

/// Every word of `wrapped` is a word of `original` or a piece of one cut at the end of a line (only a word longer
/// than the whole width is cut).
private func wordsKept(_ wrapped: [String], _ original: String, width: Int) -> Bool {
    let words = Set(original.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
    let long = words.filter { Format.width($0) > width }
    return wrapped.flatMap { $0.split(separator: " ").map(String.init) }.allSatisfy { word in
        words.contains(word) || long.contains { $0.contains(word) }
    }
}

@Suite struct TextLayoutTests {
    @Test(arguments: [10, 17, 30, 50])
    func wrapsAtSpacesWithinTheWidth(width: Int) {
        let text = "the quick brown fox jumps over the lazy dog and keeps running past the barn into the wide field"
        let lines = TextLayout.wrap(text, width: width)
        #expect(lines.allSatisfy { Format.width($0) <= width }, "\(lines)")
        #expect(wordsKept(lines, text, width: width), "\(lines)")
        expectEqual(lines.joined(separator: " "), text)
    }

    @Test func aLineInTwoColumnsContinuesUnderItsSecondColumn() {
        let lines = TextLayout.wrap("  proc      child processes: conclab itself in worker mode", width: 40)
        expectEqual(lines, ["  proc      child processes: conclab", "            itself in worker mode"])
    }

    @Test func aLineThatFitsIsKeptAsItIs() {
        expectEqual(TextLayout.wrap("a  b   c", width: 8), ["a  b   c"])
        expectEqual(TextLayout.wrap("", width: 8), [""])
    }

    @Test func aWordWiderThanTheLineIsCutWhereTheLineEnds() {
        let lines = TextLayout.wrap("see /a/very/long/path/that/does/not/fit here", width: 12)
        #expect(lines.allSatisfy { Format.width($0) <= 12 }, "\(lines)")
        expectEqual(lines.joined().replacingOccurrences(of: " ", with: ""), "see/a/very/long/path/that/does/not/fithere")
    }

    @Test func wideCharactersTakeTwoColumns() {
        expectEqual(Format.width("日本"), 4)
        expectEqual(Format.width("e\u{301}"), 1)
        expectEqual(Format.width("привет"), 6)
        expectEqual(TextLayout.truncate("日本語テキスト", to: 7), "日本語…")
    }
}

@Suite struct FittedRenderingTests {
    let labs = Table(columns: ["id", "title", "minutes"], rows: [
        [.string("tour"), .string("A five-minute tour of the shell and its commands"), .int(5)],
        [.string("race-conditions"), .string("Race conditions: lost updates, and how locks fix them"), .int(15)],
    ])

    @Test(arguments: [30, 50, 80])
    func aTableShrinksItsWidestTextColumnSoNoRowWraps(width: Int) {
        let lines = HumanRenderer(color: false, width: width).render(.table(labs)).split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { Format.width($0) <= width }, "\(lines.joined(separator: "\n"))")
        #expect(lines[1].hasPrefix("tour "))
        #expect(lines[2].hasSuffix(" 15"), "numbers are never cut")
        if width >= 50 { #expect(lines[2].hasPrefix("race-conditions  "), "the first column keeps up to a third of the width") }
        if width < 70 { #expect(lines[1].contains("…")) }
    }

    @Test func withoutAWidthATableIsAsWideAsItsCells() {
        #expect(HumanRenderer(color: false).render(.table(labs)).contains("Race conditions: lost updates, and how locks fix them"))
    }

    @Test func columnsThatCannotFitAreLeftOutAndNamed() {
        let wide = Table(columns: ["mode", "workers", "wall_ms", "cpu_ms", "speedup", "cpu_use", "memory_bytes"],
                         rows: [[.string("sequential"), .int(1), .quantity(101, .milliseconds), .quantity(104, .milliseconds),
                                 .double(1), .double(1.03), .bytes(13_000_000)]])
        let lines = HumanRenderer(color: false, width: 40).render(.table(wide)).split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { Format.width($0) <= 40 }, "\(lines.joined(separator: "\n"))")
        #expect(lines[1].hasPrefix("sequential"))
        #expect(lines.joined(separator: " ").contains("too narrow: cpu_use, memory_bytes"), "\(lines)")
    }

    @Test func aRecordsLongValueWrapsUnderItsValue() {
        let record = Record([("workload", .string("py for i in range(100000): x += 1 and then some more words")), ("n", .int(1))])
        let lines = HumanRenderer(color: false, width: 30).render(.record(record)).split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { Format.width($0) <= 30 }, "\(lines)")
        #expect(lines[0].hasPrefix("workload  py for"))
        #expect(lines[1].hasPrefix("          "), "\(lines)")
        expectEqual(lines.last, "n         1")
    }

    @Test func barsAreDrawnToTheWidthAndAreNotData() {
        let table = Table(columns: ["mode", "wall_ms"], rows: [[.string("one"), .quantity(200, .milliseconds)], [.string("two"), .quantity(100, .milliseconds)]],
                          bars: Bars(column: "wall_ms", after: "mode"))
        let wide = HumanRenderer(color: false).render(.table(table)).split(separator: "\n").map(String.init)
        expectEqual(wide[1].filter { $0 == "█" }.count, 30)
        expectEqual(wide[2].filter { $0 == "█" }.count, 15)
        #expect(wide[1].hasPrefix("one   █"), "the bars follow the mode")
        let narrow = HumanRenderer(color: false, width: 30).render(.table(table)).split(separator: "\n").map(String.init)
        #expect(narrow.allSatisfy { Format.width($0) <= 30 }, "\(narrow)")
        #expect(narrow[1].contains("█"))
        #expect(!JSONRenderer.render(.table(table)).contains("█"))
        #expect(!CSVRenderer.render(.table(table)).contains("█"))
        expectEqual(table.rows[0].count, 2)
    }

    @Test func aDrawingIsCutAtTheWidthNeverWrapped() {
        let spans = [StyledSpan("name |"), StyledSpan("██████████", style: "32"), StyledSpan("| run 100%\nlegend")]
        expectEqual(HumanRenderer(color: false, width: 12).render(.styled(spans)), "name |██████\nlegend")
        expectEqual(JSONRenderer.render(.styled(spans)), "{\"type\":\"chart\"}")
    }
}

@Suite struct BoundedOutputTests {
    @Test func aLongResultStopsAfterTheLimitAndCountsTheRestInLines() {
        let text = (1...100).map { "line \($0)" }.joined(separator: "\n")
        let page = HumanRenderer(color: false, width: 80).page(.text(text), maxLines: 10)
        expectEqual(page.text.split(separator: "\n").count, 10)
        #expect(page.text.hasSuffix("line 10"))
        expectEqual(page.omitted, Omission(lines: 90))
        expectEqual(page.omitted.notice, "… 90 more lines ('show --all' prints everything)")
    }

    @Test func aTableStopsAfterTheLimitWithItsHeader() {
        let table = Table(columns: ["n"], rows: (1...50).map { [.int($0)] })
        let page = HumanRenderer(color: false, width: 40).page(.table(table), maxLines: 5)
        expectEqual(page.text, " n\n 1\n 2\n 3\n 4")
        expectEqual(page.omitted.lines, 46)
    }

    @Test func aHugeValueCostsWhatTheScreenShows() {
        // 64 MiB on one line: cut before it is escaped or wrapped, and counted in bytes.
        let huge = String(repeating: "a", count: 64 << 20)
        let page = HumanRenderer(color: false, width: 80).page(.record(Record([("value", .string(huge)), ("repr", .string(huge))])), maxLines: 20)
        let lines = page.text.split(separator: "\n")
        expectEqual(lines.count, 20)
        #expect(lines.allSatisfy { Format.width(String($0)) <= 80 })
        #expect(page.omitted.bytes > 64 << 20 - 2000)
        #expect(page.omitted.notice.contains("MiB more"), "\(page.omitted.notice)")
    }

    @Test func withoutALimitEverythingIsShown() {
        let text = (1...100).map { "line \($0)" }.joined(separator: "\n")
        #expect(HumanRenderer(color: false, width: 80).page(.text(text), maxLines: nil).omitted.isEmpty)
        var batches = 0
        var lines = 0
        let finished = HumanRenderer(color: false).stream(.text(String(repeating: "x\n", count: 1000))) { batch in
            batches += 1
            lines += batch.count
            return true
        }
        #expect(finished && lines == 1001 && batches > 1)
    }

    @Test func printingStopsWhenAsked() {
        var seen = 0
        let finished = HumanRenderer(color: false, width: 80).stream(.text(String(repeating: "word ", count: 1 << 20))) { batch in
            seen += batch.count
            return false
        }
        #expect(!finished)
        #expect(seen > 0 && seen < 1000)
    }
}

@Suite struct CSVTests {
    @Test func aTableIsItsHeaderAndRows() {
        let table = Table(columns: ["name", "wall_ms", "note"], rows: [
            [.string("a, b"), .quantity(1.5, .milliseconds), .string("say \"hi\"")],
            [.string("plain"), .null, .list([.int(1), .int(2)])],
        ])
        expectEqual(CSVRenderer.render(.table(table)), "name,wall_ms,note\n\"a, b\",1.5,\"say \"\"hi\"\"\"\nplain,,1; 2")
    }

    @Test func aRecordIsItsNamesAndOneRow() {
        #expect(CSVRenderer.render(.record(Record(title: "t", [("runs", .int(3)), ("median_ms", .quantity(2, .milliseconds)), ("ok", .bool(true))])))
            == "runs,median_ms,ok\n3,2,true")
    }

    @Test func drawingsAreNotData() {
        expectEqual(CSVRenderer.render(.group([.styled([StyledSpan("███")]), .text("x")])), "x")
    }
}

@Suite(.serialized) struct SaveAndShowTests {
    @Test func saveWritesTheLastResultAsJSONOrCSV() throws {
        let dir = try FDScratch("save")
        defer { dir.remove() }
        let session = Session()
        defer { session.shutdown() }
        expectEqual(session.execute("save \(dir.file("none.json"))").failureMessage, "no result to save yet: run a command first")
        #expect(session.execute("bench echo x -n 3").succeeded)
        let json = session.execute("save \(dir.file("bench.json"))")
        #expect(json.succeeded, "\(json.failureMessage)")
        expectEqual(json["format"], .string("json"))
        let csv = session.execute("save \(dir.file("bench.csv"))")
        #expect(csv.succeeded)
        let savedJSON = try String(contentsOfFile: dir.file("bench.json"), encoding: .utf8)
        #expect(savedJSON.hasPrefix("{\"type\":\"record\",\"title\":\"bench: echo x\""), "the second save wrote the bench, not the first save")
        let savedCSV = try String(contentsOfFile: dir.file("bench.csv"), encoding: .utf8).split(separator: "\n")
        expectEqual(savedCSV.first, "runs,warmup,min_ms,median_ms,mean_ms,max_ms")
        #expect(savedCSV.count == 2 && savedCSV[1].hasPrefix("3,1,"))
        expectEqual(session.execute("save x.txt").failure?.kind, .usage)
    }

    @Test func aReplayedLabSavesInItsScratchFolderOnly() throws {
        let dir = try FDScratch("save-sandbox")
        defer { dir.remove() }
        let session = Session(sandbox: Sandbox(scratchDirectory: dir.path))
        defer { session.shutdown() }
        #expect(session.execute("echo hi").succeeded)
        #expect(session.execute("save /tmp/conclab-escape.json").failureMessage.contains("scratch folder"))
        #expect(session.execute("save out.csv").succeeded)
        #expect(try String(contentsOfFile: dir.file("out.csv"), encoding: .utf8) == "hi\n")
    }

    @Test func showAllGivesTheLastResultWhole() {
        let session = Session()
        defer { session.shutdown() }
        expectEqual(session.execute("show --all").failureMessage, "no result to show yet: run a command first")
        #expect(session.execute("echo one two").succeeded)
        let all = session.execute("show --all")
        expectEqual(all.result, .text("one two"))
        expectEqual(all.directive, .printInFull)
        expectEqual(session.execute("show --all").result, .text("one two"), "show --all keeps the result it shows")
        expectEqual(session.execute("show").failure?.kind, .usage)
    }

    @Test func setOutputCSV() {
        let session = Session()
        #expect(session.execute("set output csv").succeeded)
        expectEqual(session.settings.output, .csv)
    }
}
