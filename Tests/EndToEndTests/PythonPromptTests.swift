import Foundation
import LabOS
import Testing
import TestSupport

extension EndToEndSecondLine {
    /// Python as a learner types it at the shell: `py` alone opens the Python prompt (`>>>` and `...`), and the
    /// rest of a `py` line is the snippet as typed. In a real terminal (tmux), as the other terminal tests.
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct PythonPromptTests {
        func withShell(_ body: (TmuxShell) throws -> Void) throws { try TmuxShell.with(body) }

        /// Types each line and Enter; before the next line, waits for the prompt that asks for it (typed ahead while
        /// the shell is between two prompts, a line is echoed by the terminal and then drawn again after the prompt).
        func enter(_ shell: TmuxShell, _ lines: [String]) throws {
            func rows() -> [String] { shell.joinedHistory().filter { !$0.isEmpty } }
            for (index, line) in lines.enumerated() {
                if !line.isEmpty { try shell.type(line) }
                let before = rows().count
                try shell.press("Enter")
                guard index < lines.count - 1 else { continue }
                // A new row that is a bare prompt (the one the line was typed at does not count).
                let waited = eventually { let now = rows(); return now.count > before && [">>>", "...", "conclab>"].contains(now.last ?? "") }
                #expect(waited, "no prompt for '\(lines[index + 1])':\n\(shell.screen().joined(separator: "\n"))")
            }
        }

        @Test("at >>> a def and a for block take ... lines, an expression shows its repr, an empty line goes back")
        func blocksAtThePythonPrompt() throws {
            try withShell { shell in
                try enter(shell, ["py"])
                try shell.waitFor("the Python prompt") { $0.contains { $0.hasPrefix(">>>") } }
                try enter(shell, ["def twice(x):", "    return x * 2", ""])
                try shell.waitFor("the prompt after the def") { $0.filter { $0.hasPrefix(">>>") }.count >= 2 }
                try enter(shell, ["for i in range(3):", "    print(twice(i))", ""])
                try shell.waitForRow("4")
                try enter(shell, ["names = ['a',", "         'b']", "names"])
                try shell.waitForRow("['a', 'b']")
                try enter(shell, ["'quoted'"])
                try shell.waitForRow("'quoted'")
                // Tab completes a Python name at >>> (a global of the session), not a conclab command.
                try shell.type("twi")
                try shell.press("Tab")
                try shell.waitFor("the completed name") { $0.contains(">>> twice") }
                try enter(shell, ["(50)"])
                try shell.waitForRow("100")
                let screen = shell.screen()
                let text = screen.joined(separator: "\n")
                #expect(screen.contains("...     return x * 2"), "\(text)")
                #expect(screen.contains("...     print(twice(i))"), "\(text)")
                #expect(screen.contains("0") && screen.contains("2") && screen.contains("4"), "\(text)")
                #expect(!text.contains("error"), "\(text)")
                // An empty line at >>> goes back to conclab, where the globals made at >>> are still there.
                try enter(shell, ["", "py twice(21)"])
                try shell.waitFor("twice(21) at conclab's prompt") { $0.contains { $0.contains("value") && $0.contains("42") } }
            }
        }

        @Test("Ctrl-C at >>> stops a running loop and the Python prompt comes back; Ctrl-D returns to conclab>")
        func interruptAtThePythonPrompt() throws {
            try withShell { shell in
                try enter(shell, ["py", "while True:", "    pass", ""])
                try shell.waitFor("the loop's lines") { $0.contains("...     pass") }
                let stopped = eventually(within: 8) {
                    _ = try? shell.press("C-c")
                    return eventually(within: 1) { shell.screen().contains { $0.contains("cancelled") } }
                }
                #expect(stopped, "\(shell.screen().joined(separator: "\n"))")
                try enter(shell, ["6 * 7"])
                try shell.waitForRow("42")
                try shell.press("C-d")
                try shell.waitFor("conclab's prompt again") { $0.last { !$0.isEmpty }?.hasPrefix("conclab>") == true }
            }
        }

        @Test("after 'py ' the line is Python: a negative number, a '|', and either quote style")
        func theRestOfThePyLineIsPython() throws {
            try withShell { shell in
                try enter(shell, ["py y = [1, -2]", "py y"])
                try shell.waitFor("y's repr") { $0.contains { $0.contains("[1, -2]") } }
                try enter(shell, ["py z = 6 | 1", "py z"])
                try shell.waitFor("z") { $0.contains { $0.hasPrefix("value") && $0.hasSuffix("7") } }
                try enter(shell, [#"py "print('dq1')\nprint('dq2')""#, #"py 'print("sq1")\nprint("sq2")'"#])
                try shell.waitForRow("sq2")
                let text = shell.screen().joined(separator: "\n")
                for row in ["dq1", "dq2", "sq1"] { #expect(shell.screen().contains(row), "\(row) missing:\n\(text)") }
                #expect(!text.contains("unknown option"), "\(text)")
                #expect(!text.contains("error"), "\(text)")
            }
        }
    }
}
