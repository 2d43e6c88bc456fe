import Foundation
import LabOS
import Testing

extension EndToEnd {
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
            #expect(run.status == 0, "\(run)")
            let exported = try String(contentsOfFile: page, encoding: .utf8)
            #expect(exported.contains("data-actor=\"shell\""))
            #expect(!exported.contains("<script src"), "the page must not load anything")

            let profile = dir.file("profile")
            let common = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile)"]
            let dom = try Launched(executable: chromium, arguments: common + ["--dump-dom", "file://" + page], stdin: nil)
            defer { dom.cleanUp() }
            let rendered = try dom.finish(within: 60)
            #expect(rendered.status == 0, "\(rendered)")
            #expect(rendered.stdout.contains("data-rows=\"1\""), "rendered page: \(rendered.stdout.prefix(400))")
            #expect(!rendered.stdout.contains("data-error=\""), "a script error: \(rendered.stdout.prefix(400))")

            let shot = dir.file("timeline.png")
            let screenshot = try Launched(executable: chromium, arguments: common + ["--screenshot=\(shot)", "--window-size=1000,400", "file://" + page], stdin: nil)
            defer { screenshot.cleanUp() }
            _ = try screenshot.finish(within: 60)
            let png = try Data(contentsOf: URL(fileURLWithPath: shot))
            #expect(png.count > 1000)
            #expect(png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]), "not a PNG")
        }
    }
}
