import Foundation
import LabOS
import Testing
import TestSupport

extension EndToEndSecondLine {
    /// The timeline exported as HTML, opened in headless Chromium: the page renders the expected rows,
    /// raises no script error, and a screenshot is taken.
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct BrowserTests {
        static let chromium = Files.findExecutable("chromium") ?? Files.findExecutable("chromium-browser")

        @Test("an exported timeline renders in Chromium with one row per actor and no script error")
        func exportedTimelineRenders() throws {
            guard let chromium = Self.chromium else {
                Issue.record("chromium is not installed: `make test` installs it (apt-get install chromium)")
                return
            }
            let dir = try TemporaryDirectory("browser")
            defer { dir.remove() }
            let page = dir.file("timeline.html")
            let script = "trace sleep 30\ntimeline\ntimeline export \(page)\n"
            let run = try runConclab(["--json"], stdin: script)
            expectEqual(run.status, 0, "\(run)")
            let exported = try String(contentsOfFile: page, encoding: .utf8)
            #expect(exported.contains("data-actor=\"shell\""))
            #expect(!exported.contains("<script src"), "the page must not load anything")

            let profile = dir.file("profile")
            let common = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile)"]
            let dom = try Launched(executable: chromium, arguments: common + ["--dump-dom", "file://" + page], stdin: nil)
            defer { dom.cleanUp() }
            let rendered = try dom.finish(within: 60)
            expectEqual(rendered.status, 0, "\(rendered)")
            #expect(rendered.stdout.contains("data-rows=\"1\""), "rendered page: \(rendered.stdout.prefix(400))")
            #expect(!rendered.stdout.contains("data-error=\""), "a script error: \(rendered.stdout.prefix(400))")

            let shot = dir.file("timeline.png")
            let screenshot = try Launched(executable: chromium, arguments: common + ["--screenshot=\(shot)", "--window-size=1000,400", "file://" + page], stdin: nil)
            defer { screenshot.cleanUp() }
            _ = try screenshot.finish(within: 60)
            let png = try Data(contentsOf: URL(fileURLWithPath: shot))
            #expect(png.count > 1000)
            expectEqual(png.prefix(4), Data([0x89, 0x50, 0x4E, 0x47]), "not a PNG")
        }
    }
}

extension EndToEndSecondLine.BrowserTests {
    /// One `<g class="row">` of an exported timeline, read back from the DOM Chromium built.
    struct DrawnRow {
        var actor: String
        var endedAt: Int64?
        var spans: [(state: String, start: Int64, end: Int64)]
    }

    /// The rows of a timeline SVG: each row's actor, end and segments, from their data attributes.
    static func drawnRows(_ dom: String) -> [DrawnRow] {
        func attribute(_ name: String, in tag: Substring) -> String? {
            guard let range = tag.range(of: " \(name)=\"") else { return nil }
            return String(tag[range.upperBound...].prefix { $0 != "\"" })
        }
        var rows: [DrawnRow] = []
        for part in dom.components(separatedBy: "<g class=\"row\"").dropFirst() {
            let body = part.components(separatedBy: "</g>")[0]
            let open = body.prefix { $0 != ">" }
            var row = DrawnRow(actor: attribute("data-actor", in: open) ?? "?", endedAt: attribute("data-ended-ns", in: open).flatMap { Int64($0) }, spans: [])
            for rect in body.components(separatedBy: "<rect").dropFirst() {
                let tag = rect.prefix { $0 != ">" }
                guard let state = attribute("data-state", in: tag), let start = attribute("data-start-ns", in: tag).flatMap({ Int64($0) }),
                      let end = attribute("data-end-ns", in: tag).flatMap({ Int64($0) }) else { continue }
                row.spans.append((state, start, end))
            }
            rows.append(row)
        }
        return rows
    }

    /// Runs `script` in conclab, which exports `page`, then opens the page in headless Chromium: the DOM Chromium
    /// built from it (its script run). Nil, with the reason recorded, when Chromium is missing.
    static func exportAndOpen(_ script: String, page: String, in dir: TemporaryDirectory) throws -> RunResult? {
        guard let chromium else {
            Issue.record("chromium is not installed: `make test` installs it (apt-get install chromium)")
            return nil
        }
        let run = try runConclab(["--json"], stdin: script + "\n")
        expectEqual(run.status, 0, "\(run)")
        let dom = try Launched(executable: chromium, arguments: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                                                 "--user-data-dir=\(dir.file("profile"))", "--dump-dom", "file://" + page], stdin: nil)
        defer { dom.cleanUp() }
        let rendered = try dom.finish(within: 60)
        expectEqual(rendered.status, 0, "\(rendered)")
        #expect(!rendered.stdout.contains("data-error=\""), "a script error: \(rendered.stdout.prefix(400))")
        return rendered
    }

    @Test("two GIL threads exported and opened in Chromium: disjoint running spans, each row ending when its thread ended")
    func gilThreadsInChromium() throws {
        let dir = try TemporaryDirectory("browser-gil")
        defer { dir.remove() }
        let page = dir.file("gil.html")
        let script = """
            trace on
            thread spawn --py 'for i in range(150000): x = i'
            thread spawn --py 'for i in range(150000): y = i'
            thread join t1
            thread join t2
            sleep 50
            timeline export \(page)
            """
        guard let rendered = try Self.exportAndOpen(script, page: page, in: dir) else { return }
        let rows = Self.drawnRows(rendered.stdout)
        let threads = rows.filter { $0.actor == "t1" || $0.actor == "t2" }
        try #require(threads.count == 2, "rows drawn: \(rows.map(\.actor))")
        let span = rendered.stdout.range(of: "data-span-ns=\"").map { rendered.stdout[$0.upperBound...].prefix { $0 != "\"" } }.flatMap { Int64($0) }
        for row in threads {
            let ended = try #require(row.endedAt, "\(row.actor) has no end")
            #expect(row.spans.contains { $0.state == "running" }, "\(row.actor) never ran")
            #expect(row.spans.allSatisfy { $0.end <= ended }, "\(row.actor) is drawn after its end at \(ended): \(row.spans.suffix(3))")
            expectEqual(span.map { $0 > ended }, true, "the timeline goes on after \(row.actor) ended (the sleep)")
        }
        let running = threads.map { $0.spans.filter { $0.state == "running" } }
        for a in running[0] {
            for b in running[1] {
                #expect(a.end <= b.start || b.end <= a.start, "t1 ran \(a.start)…\(a.end) while t2 ran \(b.start)…\(b.end)")
            }
        }
    }
}
