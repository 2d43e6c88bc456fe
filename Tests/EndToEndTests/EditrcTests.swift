import Foundation
import LabOS
import Testing
import TestSupport

extension EndToEndSecondLine {
    /// The learner's own libedit settings: `~/.editrc` (or `$EDITRC`) is read after conclab's bindings, and a line
    /// that switches to vi keys keeps conclab's Tab and Ctrl-C. HOME is a temporary folder in every terminal test.
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct EditrcTests {
        /// Runs `body` with a shell whose HOME holds `editrc` as `.editrc` (none when nil), and `environment` added.
        func withShell(editrc: String?, environment: (TemporaryDirectory) throws -> [String: String] = { _ in [:] },
                       _ body: (TmuxShell) throws -> Void) throws {
            let home = try TemporaryDirectory("home")
            defer { home.remove() }
            if let editrc { _ = try home.write(".editrc", editrc) }
            let shell = try TmuxShell(stateHome: home.path, environment: try environment(home))
            defer { shell.close() }
            try shell.start()
            try body(shell)
        }

        /// Types `xecho MARK`, then ESC `0` `x` (vi: to command mode, to the start, delete a character) and Enter.
        func typeViEdit(_ shell: TmuxShell, mark: String) throws {
            try shell.type("xecho \(mark)")
            try shell.waitFor("the typed line") { $0.contains("conclab> xecho \(mark)") }
            try shell.press("Escape")
            try shell.type("0")
            try shell.type("x")
            try shell.press("Enter")
        }

        @Test("'bind -v' in ~/.editrc gives vi keys, and Tab and Ctrl-C still work")
        func viModeFromHome() throws {
            try withShell(editrc: "# vi keys\nbind -v\n") { shell in
                try typeViEdit(shell, mark: "vi-keys")
                try shell.waitForRow("conclab> echo vi-keys")
                try shell.waitForRow("vi-keys")
                // Back in insert mode on the next line: Tab completes a command word.
                try shell.type("his")
                try shell.press("Tab")
                try shell.waitForRow("conclab> history")
                // Ctrl-C clears the half-typed line.
                try shell.type("echo partial")
                try shell.press("C-c")
                try shell.waitForPrompt(after: "echo partial")
                try shell.type("echo cleared")
                try shell.press("Enter")
                try shell.waitForRow("cleared")
                // Ctrl-C in vi's command mode clears the line too.
                try shell.type("echo in-command-mode")
                try shell.press("Escape")
                try shell.press("C-c")
                try shell.type("echo after")
                try shell.press("Enter")
                try shell.waitForRow("after")
                #expect(!shell.screen().contains { $0.contains("in-command-modeecho") || $0 == "in-command-mode" },
                        "\(shell.screen().joined(separator: "\n"))")
            }
        }

        @Test("without an .editrc the keys are emacs's: the same ESC 0 x edits nothing")
        func emacsWithoutEditrc() throws {
            try withShell(editrc: nil) { shell in
                try typeViEdit(shell, mark: "emacs-keys")
                try shell.waitFor("the unknown command") { $0.contains { $0.contains("Unknown command") } }
                #expect(!shell.screen().contains("emacs-keys"), "\(shell.screen().joined(separator: "\n"))")
            }
        }

        @Test("$EDITRC names the file instead of ~/.editrc; lines for other programs are skipped")
        func editrcVariable() throws {
            let settings = "other:bind -e\nconclab:bind -v\nnonsense-command here\n"
            try withShell(editrc: "bind -e\n", environment: { home in ["EDITRC": try home.write("mine.editrc", settings)] }) { shell in
                // The line libedit does not know is reported with its file and line number.
                try shell.waitFor("the report of line 3") { $0.contains { $0.contains("mine.editrc:3: 'nonsense-command here'") } }
                try typeViEdit(shell, mark: "from-editrc")
                try shell.waitForRow("from-editrc")
            }
        }
    }
}
