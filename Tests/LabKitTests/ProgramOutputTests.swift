import Testing
import LabCore

/// A program's output on a terminal: what a learner expects to work works, and nothing can take the terminal over.
@Suite struct ProgramOutputTests {
    @Test("kept as written: text, tabs, \\r, backspace, colours and cursor moves", arguments: [
        "plain text ✓", "a\tb", "50%\rdone", "ab\u{8}c", "\u{1B}[2K\u{1B}[1A\u{1B}[10G\u{1B}[H\u{1B}[J",
    ])
    func kept(_ text: String) {
        #expect(text.terminalSafeProgramText() == text)
    }

    @Test("colour passes, and a reset follows so it does not leak into the prompt")
    func colourReset() {
        #expect("\u{1B}[31mred".terminalSafeProgramText() == "\u{1B}[31mred\u{1B}[0m")
        #expect("\u{1B}[1;38;5;208mx\u{1B}[0m".terminalSafeProgramText() == "\u{1B}[1;38;5;208mx\u{1B}[0m\u{1B}[0m")
    }

    @Test("shown escaped: a title, the clipboard, the alternate screen, a query, a bell, C1 CSI", arguments: [
        ("\u{1B}]0;title\u{07}", "\\x1b]0;title\\x07"),
        ("\u{1B}]52;c;aGk=\u{07}", "\\x1b]52;c;aGk=\\x07"),
        ("\u{1B}[?1049h", "\\x1b[?1049h"),
        ("\u{1B}[6n", "\\x1b[6n"),
        ("\u{1B}[c", "\\x1b[c"),
        ("\u{9B}2J", "\\x9b2J"),
        ("\u{1B}", "\\x1b"),
    ])
    func escaped(_ example: (String, String)) {
        #expect(example.0.terminalSafeProgramText() == example.1)
    }

    @Test("pieces of one stream join; the streams keep their order")
    func pieces() {
        var output = ProgramOutput()
        output.append("a", to: .standardOutput)
        output.append("b", to: .standardOutput)
        output.append("!", to: .standardError)
        output.append("", to: .standardOutput)
        output.append("c", to: .standardOutput)
        #expect(output.pieces.map(\.text) == ["ab", "!", "c"])
        #expect(output.text == "ab!c" && output.text(of: .standardOutput) == "abc" && output.byteCount == 4)
        #expect(LabResult.program(output).fields == Record([("text", .string("ab!c"))]))
        output.append("\n", to: .standardOutput)
        #expect(LabResult.program(output).fields == Record([("text", .string("ab!c"))]), "checks see text without its last newline")
        #expect(JSONRenderer.render(.program(output)) == #"{"type":"text","text":"abc","stderr":"!"}"#)
    }
}
