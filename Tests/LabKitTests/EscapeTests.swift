import Testing
import TestSupport
import LabKit
import LabCore
import LabTopics
import LabGuide
import LabOS

/// The bytes a terminal acts on: ESC, BEL, CSI as one C1 character.
private func hasTerminalControls(_ text: String) -> Bool {
    text.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\u{9B}" || $0 == "\r" }
}

/// `text` without conclab's own SGR colours (`ESC [ 1 m`, `ESC [ 36 m`, `ESC [ 0 m`).
private func withoutOwnColours(_ text: String) -> String {
    var out = "", pending = ""
    for scalar in text.unicodeScalars {
        if pending.isEmpty {
            if scalar == "\u{1B}" { pending = "\u{1B}" } else { out.unicodeScalars.append(scalar) }
            continue
        }
        pending.unicodeScalars.append(scalar)
        if pending == "\u{1B}[" || (pending.hasPrefix("\u{1B}[") && ("0"..."9").contains(scalar) || scalar == ";") { continue }
        if scalar != "m" || !pending.hasPrefix("\u{1B}[") { out += pending }
        pending = ""
    }
    return out + pending
}

/// A window title (OSC 0), the clipboard (OSC 52), a bell, a carriage return over the line, clear-screen by a C1 CSI.
private let hostile = "a\u{1B}]0;title\u{07}b\u{1B}]52;c;aGk=\u{07}c\rd\u{9B}2Je"
private let hostileShown = "a\\x1b]0;title\\x07b\\x1b]52;c;aGk=\\x07c\\rd\\x9b2Je"

/// Data cannot drive the terminal: control characters in values, files and labs are shown escaped, while
/// conclab's own colours still work around them.
@Suite struct EscapeTests {
    @Test(arguments: [
        ("plain", "plain"),
        ("two\nlines\tand a tab", "two\nlines\tand a tab"),
        ("ünï µs █", "ünï µs █"),
        ("\u{1B}[31mred", "\\x1b[31mred"),
        ("bell\u{07}", "bell\\x07"),
        ("cr\r", "cr\\r"),
        ("\r\n", "\\r\n"),
        ("\u{0}\u{1}\u{1F}", "\\x00\\x01\\x1f"),
        ("del\u{7F}", "del\\x7f"),
        ("\u{80}\u{85}\u{9B}\u{9F}", "\\x80\\x85\\x9b\\x9f"),
        ("\u{A0}nbsp", "\u{A0}nbsp"),
        (hostile, hostileShown),
    ] as [(String, String)])
    func escaping(_ text: String, _ shown: String) {
        expectEqual(text.escapingControlCharacters(), shown)
        expectEqual(shown.escapingControlCharacters(), shown, "escaping twice changes nothing")
    }

    @Test func echoShowsControlsEscaped() {
        let session = Session()
        let outcome = session.execute("echo '\(hostile)'")
        #expect(outcome.succeeded, "\(outcome.failure?.message ?? "")")
        expectEqual(outcome.result.fields["text"], .string(hostile), "the value itself is unchanged")
        let shown = HumanRenderer(color: false).render(outcome.result)
        expectEqual(shown, hostileShown)
        #expect(!hasTerminalControls(HumanRenderer(color: true).render(outcome.result)))
    }

    @Test func colourStillWrapsEscapedText() {
        let coloured = HumanRenderer(color: true)
        let record = Record(title: "t\u{1B}[2J", [("key\u{07}", .string("v\u{9B}"))])
        expectEqual(coloured.render(.record(record)), "\u{1B}[1mt\\x1b[2J\u{1B}[0m\n\u{1B}[2mkey\\x07\u{1B}[0m  v\\x9b")
        let spans: [StyledSpan] = [StyledSpan("a\u{1B}"), StyledSpan("█\u{07}", style: "32")]
        expectEqual(coloured.render(.styled(spans)), "a\\x1b\u{1B}[32m█\\x07\u{1B}[0m")
        expectEqual(HumanRenderer(color: false).render(.styled(spans)), "a\\x1b█\\x07")
        expectEqual(LabResult.styled(spans).fields["text"], .string("a\u{1B}█\u{07}"))
    }

    @Test func tablesMeasureTheEscapedText() {
        let table = Table(columns: ["name", "n"], rows: [[.string("a\u{1B}b"), .int(5)], [.string("bbbbbbb"), .int(123)]])
        #expect(HumanRenderer(color: false).render(.table(table)) == """
            name       n
            a\\x1bb     5
            bbbbbbb  123
            """)
    }

    @Test func jsonEscapesEveryControl() {
        expectEqual(JSONRenderer.string("\u{1B}[0m\u{07}\u{7F}\u{9B}\u{85}"), "\"\\u001b[0m\\u0007\\u007f\\u009b\\u0085\"")
        expectEqual(JSONRenderer.string("\u{A0}é"), "\"\u{A0}é\"")
    }

    @Test func aFileWithEscapesReadsEscaped() throws {
        let dir = try FDScratch("escapes")
        defer { dir.remove() }
        let path = dir.file("hostile.txt")
        try Files.writeAtomically(path, hostile + "\nsecond line\n")
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute("fd open \(path) --name f").succeeded)
        let read = session.execute("fd read f")
        #expect(read.succeeded)
        let readText = HumanRenderer(color: false).render(read.result)
        #expect(readText.contains(hostileShown))
        #expect(!hasTerminalControls(readText))
        #expect(session.execute("gen lines \(path)").succeeded)
        let line = session.execute("next g1")
        #expect(line.succeeded)
        let lineText = HumanRenderer(color: true).render(line.result)
        #expect(lineText.contains(hostileShown))
        #expect(!lineText.unicodeScalars.contains { $0 == "\u{07}" || $0 == "\u{9B}" || $0 == "\r" })
        // The only escapes left are the renderer's own colour codes.
        #expect(lineText.replacing(/\x1B\[[0-9;]*m/, with: "").unicodeScalars.allSatisfy { $0 != "\u{1B}" })
    }

    @Test func aLabWithEscapesReplaysWithoutThem() throws {
        let text = """
        ---
        id: esc
        title: Title \u{1B}]0;pwned\u{07}
        topic: shell
        minutes: 1
        ---
        Prose that clears the screen \u{9B}2J and rings \u{07}.
        ## Step \u{1B}[2J one
        More prose \u{1B}]52;c;aGk=\u{07}
        ```conclab
        echo '\(hostile)'
        ```
        ```check
        text != ""
        ```
        ```conclab
        echo 'x\u{1B}[31m' nope \u{9B}
        ```
        ```check
        text == "\u{1B}"
        ```
        """
        let lab = try LabParser.parse(text, path: "Labs/en/esc.md")
        var transcript: [String] = []
        _ = LabReplayer.replay(lab) { transcript.append($0) }
        #expect(transcript.contains { $0.contains(hostileShown) }, "\(transcript)")
        let all = transcript.joined(separator: "\n")
        #expect(!all.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\u{9B}" })
        #expect(!all.utf8.contains(0x1B) && !all.utf8.contains(0x07))
    }

    @Test func aLabsProseIsShownEscaped() throws {
        let dir = try Files.makeTemporaryDirectory(prefix: "conclab-escape-lab-test")
        defer { Files.removeTree(dir) }
        try Files.makeDirectories(dir + "/Labs/en")
        try Files.writeAtomically(dir + "/Labs/en/01-esc.md", """
            ---
            id: esc
            title: Esc \u{1B}]0;t\u{07}
            topic: shell
            minutes: 1
            ---
            Intro \u{9B}2J
            ## One \u{1B}[2J
            Prose \u{1B}]52;c;aGk=\u{07}
            ```conclab
            echo '\u{1B}'
            ```
            """)
        let session = Session(environment: SessionEnvironment(labsDirectory: dir + "/Labs", stateDirectory: dir + "/state"))
        let start = session.execute("lab start esc")
        #expect(start.succeeded, "\(start.failure?.message ?? "")")
        let shown = HumanRenderer(color: true).render(start.result)
        #expect(shown.contains("Prose \\x1b]52;c;aGk=\\x07"))
        // The guide styles the lab's headings and code itself: only those colours (ESC [ digits m) may remain.
        #expect(!hasTerminalControls(withoutOwnColours(shown)), "\(shown)")
        #expect(!hasTerminalControls(LabGuide.promptPrefix(session).escapingControlCharacters()))
    }
}
