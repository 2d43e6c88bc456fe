import Foundation
import LabOS
import Testing
import TestSupport

extension EndToEndSecondLine {
    /// The interactive shell in a real terminal: tmux on a private socket, a 120×40 pane, a private
    /// XDG_STATE_HOME. Every wait polls the screen with a deadline.
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct TerminalTests {
        func withShell(_ body: (TmuxShell) throws -> Void) throws { try TmuxShell.with(body) }

        @Test("a typed command runs and its output appears")
        func typeAndRun() throws {
            try withShell { shell in
                try shell.type("echo typed in a terminal")
                try shell.press("Enter")
                try shell.waitForRow("typed in a terminal")
                #expect(shell.screen().contains("conclab> echo typed in a terminal"))
                // The shell is ready for the next line.
                try shell.waitFor("a new empty prompt") { $0.last { !$0.isEmpty } == "conclab>" }
            }
        }

        @Test("arrow keys move the cursor to fix the line before Enter")
        func editWithArrows() throws {
            try withShell { shell in
                try shell.type("ech hello")
                try shell.press("Left", times: 6)
                try shell.type("o")
                try shell.press("Enter")
                try shell.waitForRow("hello")
                let screen = shell.screen()
                #expect(screen.contains("conclab> echo hello"), "\(screen.joined(separator: "\n"))")
                #expect(!screen.contains { $0.contains("Unknown command") }, "\(screen.joined(separator: "\n"))")
            }
        }

        @Test("history is saved: after leaving and starting again, Up and Enter run the last command")
        func historyPersists() throws {
            let state = try TemporaryDirectory("state")
            defer { state.remove() }
            let first = try TmuxShell(stateHome: state.path)
            defer { first.close() }
            try first.start()
            try first.type("echo remembered 42")
            try first.press("Enter")
            try first.waitForRow("remembered 42")
            try first.press("C-d")
            #expect(eventually { !first.hasSession }, "the first shell did not leave on Ctrl-D")
            #expect(FileManager.default.fileExists(atPath: state.path + "/conclab/history"),
                    "no history file under XDG_STATE_HOME/conclab")

            let second = try TmuxShell(stateHome: state.path)
            defer { second.close() }
            try second.start()
            #expect(!second.screen().contains("remembered 42"))
            try second.press("Up")
            try second.waitForRow("conclab> echo remembered 42")
            try second.press("Enter")
            try second.waitForRow("remembered 42")
        }

        @Test("Tab completes a command word")
        func completeCommandWord() throws {
            try withShell { shell in
                try shell.type("his")
                try shell.press("Tab")
                try shell.waitForRow("conclab> history")
                // The completion ends with a space, so the next word follows directly.
                try shell.type("1")
                try shell.waitForRow("conclab> history 1")
                try shell.press("Enter")
                try shell.waitFor("the history table") { $0.contains { $0.contains("history 1") && !$0.hasPrefix("conclab>") } }
            }
        }

        @Test("Tab completes the handle of a live process")
        func completeHandle() throws {
            try withShell { shell in
                try shell.type("proc spawn sleep 30000")
                try shell.press("Enter")
                try shell.waitForRow("started p1")
                try shell.type("show ")
                try shell.press("Tab")
                try shell.waitForRow("conclab> show p1")
                try shell.press("Enter")
                try shell.waitFor("the details of p1") { $0.contains { $0.hasPrefix("kind") && $0.hasSuffix("process") } }
            }
        }

        @Test("Ctrl-C cancels a running command and the prompt comes back")
        func interruptRunningCommand() throws {
            try withShell { shell in
                try shell.type("sleep 10000")
                try shell.press("Enter")
                try shell.waitForRow("conclab> sleep 10000")
                // A Ctrl-C typed in the instant before the terminal leaves editing mode reaches the next
                // prompt instead of the command; pressing again until the command reports it covers that.
                let cancelled = eventually(within: 8) {
                    _ = try? shell.press("C-c")
                    return eventually(within: 1) { shell.screen().contains { $0.contains("cancelled") } }
                }
                #expect(cancelled, "no 'cancelled' after Ctrl-C:\n\(shell.screen().joined(separator: "\n"))")
                try shell.waitFor("a prompt after the cancellation") { screen in
                    guard let index = screen.lastIndex(where: { $0.contains("cancelled") }) else { return false }
                    return screen[(index + 1)...].contains { $0.hasPrefix("conclab>") }
                }
                try shell.type("echo back")
                try shell.press("Enter")
                try shell.waitForRow("back")
            }
        }

        @Test("Ctrl-C at the prompt clears the partly typed line")
        func interruptAtPrompt() throws {
            try withShell { shell in
                try shell.type("echo partial")
                try shell.waitFor("the typed text") { $0.contains("conclab> echo partial") }
                try shell.press("C-c")
                try shell.waitForPrompt(after: "echo partial")
                try shell.type("echo cleared")
                try shell.press("Enter")
                try shell.waitForRow("cleared")
                #expect(!shell.screen().contains { $0.contains("partialecho") })
            }
        }

        @Test("Ctrl-D leaves the shell and ends its worker processes")
        func controlDLeaves() throws {
            try withShell { shell in
                try shell.type("proc spawn sleep 60000")
                try shell.press("Enter")
                try shell.waitForRow("started p1")
                let shellPID = try #require(shell.shellPID)
                var workers: [Int32] = []
                defer { Processes.killWorkers(workers) }
                let found = eventually {
                    workers = Processes.children(of: shellPID).filter { $0.command == Processes.workerName }.map(\.pid)
                    return workers.count == 1
                }
                try #require(found, "no worker under the shell (pid \(shellPID))")
                try shell.press("C-d")
                #expect(eventually { !shell.hasSession }, "the pane is still there after Ctrl-D")
                #expect(eventually { ProcFS.stat(pid: shellPID).map(Processes.isConclab) != true }, "conclab is still running")
                #expect(eventually { workers.allSatisfy { Processes.workerIsGone($0, shellPID: shellPID) } },
                        "workers still alive after Ctrl-D: \(workers)")
            }
        }
    }
}
