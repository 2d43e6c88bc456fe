import Foundation
import LabOS
import Testing
import TestSupport

extension EndToEndSecondLine {
    /// Output fitted to the window, in real terminals (tmux) of 80 and 50 columns: nothing the shell prints is wider
    /// than the window (tmux joins the lines it wrapped, so a wrapped line shows up too long), and wrapping breaks
    /// lines at spaces, never inside a word.
    @Suite(.serialized, .timeLimit(.minutes(3)))
    struct TerminalWidthTests {
        func withShell<T>(columns: Int, rows: Int = 30, _ body: (TmuxShell) throws -> T) throws -> T {
            let home = try TemporaryDirectory("width")
            defer { home.remove() }
            let shell = try TmuxShell(stateHome: home.path, columns: columns, rows: rows)
            defer { shell.close() }
            try shell.start()
            return try body(shell)
        }

        /// The words a shell command prints in script mode to a pipe, where nothing is wrapped or cut.
        func words(of command: String) throws -> Set<String> {
            let run = try runConclab([], stdin: command + "\n")
            expectEqual(run.status, 0, "\(run)")
            return Set(run.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
        }

        /// The lines after the prompt line `conclab> COMMAND` up to the next prompt.
        func output(of command: String, in lines: [String]) -> [String] {
            guard let start = lines.lastIndex(of: "conclab> " + command) else { return [] }
            let rest = lines[(start + 1)...]
            return Array(rest.prefix { !$0.hasPrefix("conclab>") })
        }

        /// A word as printed is a word of the full text, or the start of one cut with `…` to fit a table's column.
        func isWhole(_ word: Substring, _ words: Set<String>) -> Bool {
            if words.contains(String(word)) { return true }
            guard word.hasSuffix("…") else { return false }
            let stem = word.dropLast()
            return words.contains { $0.hasPrefix(stem) } || stem.isEmpty
        }

        @Test("help, lab list and par compare fit the window: no line wider than it, no word broken", arguments: [80, 50])
        func outputFitsTheWindow(columns: Int) throws {
            let helpWords = try words(of: "help")
            let labWords = try words(of: "lab list")
            let lines = try withShell(columns: columns) { shell -> [String] in
                try shell.type("help")
                try shell.press("Enter")
                // A screen's worth, then a line saying how much is left.
                try shell.waitFor("help cut after a screen") { $0.contains { $0.hasPrefix("… ") && $0.contains("more lines") } }
                try shell.type("show --all")
                try shell.press("Enter")
                try shell.waitFor("the whole help") { $0.contains { $0.hasSuffix("where EXPR") } }
                try shell.type("lab list")
                try shell.press("Enter")
                try shell.waitFor("the list of labs") { $0.contains { $0.hasPrefix("tour ") } }
                try shell.type("par compare spin 30 --workers 2")
                try shell.press("Enter")
                try shell.waitFor("the comparison", within: 60) { screen in
                    // After the command's own line (help above may hold a line that starts "processes " too, and the
                    // command's line is itself a prompt): the chart's last row, then a bare prompt.
                    guard let typed = screen.lastIndex(where: { $0.contains("par compare spin 30") }) else { return false }
                    let after = screen[(typed + 1)...]
                    return after.contains { $0.hasPrefix("processes ") }
                        && after.last { !$0.isEmpty }?.trimmingCharacters(in: .whitespaces) == "conclab>"
                }
                return shell.joinedHistory()
            }
            let tooWide = lines.filter { $0.unicodeScalars.count > columns }
            #expect(tooWide.isEmpty, "lines wider than \(columns) columns:\n\(tooWide.joined(separator: "\n"))")
            let help = output(of: "show --all", in: lines)
            #expect(help.count > 30, "\(help)")
            let broken = help.flatMap { $0.split(separator: " ") }.filter { !isWhole($0, helpWords) }
            #expect(broken.isEmpty, "words of help that are not whole: \(broken)")
            let labs = output(of: "lab list", in: lines)
            #expect(labs.count >= 10, "\(labs)")
            let cut = labs.flatMap { $0.split(separator: " ") }.filter { !isWhole($0, labWords) }
            #expect(cut.isEmpty, "words of lab list that are not whole: \(cut)")
            let compare = output(of: "par compare spin 30 --workers 2", in: lines)
            #expect(compare.contains { $0.hasPrefix("sequential ") && $0.contains("█") }, "the chart:\n\(compare.joined(separator: "\n"))")
            // The progress bar was redrawn in place and erased: no piece of it is left behind.
            #expect(!compare.contains { $0.contains("░") }, "\(compare.joined(separator: "\n"))")
        }

        @Test("after the window is resized, the next result fits the new width")
        func resizedWindow() throws {
            let labs = try withShell(columns: 100) { shell -> [String] in
                try shell.type("echo before")
                try shell.press("Enter")
                try shell.waitForRow("before")
                let resized = try shell.tmux(["resize-window", "-t", shell.session, "-x", "44"])
                expectEqual(resized.status, 0, "\(resized)")
                try shell.type("lab list")
                try shell.press("Enter")
                try shell.waitFor("the list of labs") { $0.contains { $0.hasPrefix("tour ") } }
                return output(of: "lab list", in: shell.joinedHistory())
            }
            #expect(labs.count >= 10, "\(labs)")
            #expect(labs.allSatisfy { $0.unicodeScalars.count <= 44 }, "\(labs.joined(separator: "\n"))")
        }

        @Test("a window resized while a line is being edited: the line is redrawn at the new width and the cursor keys follow it")
        func resizedWhileEditing() throws {
            let line = "conclab> echo alfa bravo charlie delta echo foxtrot golf hotel india juliett kilo lima"
            let (rows, cursor) = try withShell(columns: 100) { shell -> ([String], (Int, Int)?) in
                // One row at 100 columns, three at 40.
                try shell.type(String(line.dropFirst("conclab> ".count)))
                try shell.waitFor("the typed line") { $0.contains(line) }
                let resized = try shell.tmux(["resize-window", "-t", shell.session, "-x", "40"])
                expectEqual(resized.status, 0, "\(resized)")
                // The editor takes the new size in before it waits for the next key: this one (End, which changes
                // nothing) is read, then the size. Home then goes back two rows to the line's start; with the
                // width of 100 columns it would stay on the line's last row.
                try shell.press("End")
                try shell.press("Home")
                var cursor: (Int, Int)?
                var rows: [String] = []
                _ = eventually(within: 5) {
                    rows = shell.screen()
                    let position = (try? shell.tmux(["display-message", "-p", "-t", shell.session, "#{cursor_x} #{cursor_y}"]))?.stdout
                    let numbers = (position ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int($0) }
                    cursor = numbers.count == 2 ? (numbers[0], numbers[1]) : nil
                    guard let cursor, let start = rows.lastIndex(where: { $0.hasPrefix("conclab> echo") }) else { return false }
                    return cursor == ("conclab> ".count, start)
                }
                try shell.press("C-c")
                return (rows, cursor)
            }
            let start = try #require(rows.lastIndex { $0.hasPrefix("conclab> echo") }, "\(rows.joined(separator: "\n"))")
            #expect(cursor?.0 == "conclab> ".count && cursor?.1 == start,
                    "cursor at \(String(describing: cursor)), the line starts on row \(start):\n\(rows.joined(separator: "\n"))")
            // The rows from the prompt on, put back together, are the line: redrawn once, nothing left of the old one.
            let typed = rows[start...].prefix(3).map { $0.padding(toLength: 40, withPad: " ", startingAt: 0) }.joined()
            expectEqual(typed.trimmingCharacters(in: .whitespaces), line, "\(rows.joined(separator: "\n"))")
            expectEqual(rows.filter { $0.contains("alfa") }.count, 1, "\(rows.joined(separator: "\n"))")
        }

        @Test("a window resized while a command runs: its progress and its result fit the new width")
        func resizedDuringACommand() throws {
            let (lines, screen) = try withShell(columns: 100) { shell -> ([String], [String]) in
                try shell.type("bench sleep 150 -n 12 --warmup 0")
                try shell.press("Enter")
                // The progress bar is drawn (on stderr, redrawn in place) while the runs go on.
                try shell.waitFor("the progress bar", within: 20) { $0.contains { $0.contains("run ") && $0.contains("%") } }
                let resized = try shell.tmux(["resize-window", "-t", shell.session, "-x", "36"])
                expectEqual(resized.status, 0, "\(resized)")
                try shell.waitFor("the result", within: 30) { screen in
                    screen.contains { $0.hasPrefix("max_ms") } && screen.last { !$0.isEmpty }?.hasPrefix("conclab>") == true
                }
                return (output(of: "bench sleep 150 -n 12 --warmup 0", in: shell.joinedHistory()), shell.screen())
            }
            #expect(lines.contains { $0.hasPrefix("median_ms") }, "\(screen.joined(separator: "\n"))")
            // The title names the whole command line: at 36 columns it is cut or wrapped, never wider.
            #expect(lines.allSatisfy { $0.unicodeScalars.count <= 36 }, "\(lines.joined(separator: "\n"))")
            #expect(!lines.contains { $0.contains("░") || $0.contains("█") }, "\(lines.joined(separator: "\n"))")
        }

        @Test("a huge value: a screen's worth of it, and Ctrl-C while it is built and quoted cancels it")
        func hugeValueIsBoundedAndCancellable() throws {
            let (screen, wide, cancelled) = try withShell(columns: 80, rows: 24) { shell -> ([String], [String], Bool) in
                try shell.type("py \"ab \" * 10**6")
                try shell.press("Enter")
                try shell.waitFor("the value cut after a screen") { $0.contains { $0.hasPrefix("… ") && $0.contains("MiB more") } }
                let wide = shell.joinedHistory().filter { $0.unicodeScalars.count > 80 }
                try shell.type("py \"a\" * 10**8")
                try shell.press("Enter")
                let shellPID = try #require(shell.shellPID)
                // The command is busy (the shell's main thread runs) while the string is built and quoted.
                _ = eventually { ProcFS.stat(pid: shellPID)?.state == .running }
                // A Ctrl-C in the instant before the terminal leaves editing mode reaches the prompt instead: press
                // again until the command reports it (as the test of 'sleep' does).
                let cancelled = eventually(within: 8) {
                    _ = try? shell.press("C-c")
                    return eventually(within: 1) { shell.screen().contains { $0.contains("cancelled (Ctrl-C)") } }
                }
                // Without cancellation points the value would be built, quoted (seconds in a debug build) and shown.
                if cancelled {
                    try shell.waitFor("a prompt after the cancellation") { screen in
                        guard let index = screen.lastIndex(where: { $0.contains("cancelled (Ctrl-C)") }) else { return false }
                        return screen[(index + 1)...].contains { $0.hasPrefix("conclab>") }
                    }
                }
                return (shell.screen(), wide, cancelled)
            }
            #expect(wide.isEmpty, "\(wide)")
            #expect(cancelled, "\(screen.joined(separator: "\n"))")
            #expect(!screen.contains { $0.hasPrefix("value  aaaa") }, "\(screen.joined(separator: "\n"))")
        }
    }
}
