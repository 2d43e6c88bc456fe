import Foundation
import LabOS
import Testing
import TestSupport

extension EndToEndSecondLine {
    /// Colour and progress bars in a real terminal (tmux): on by default, off with NO_COLOR (colour) or TERM=dumb
    /// (both), and none on a stderr that is a file.
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct TerminalOutputTests {
        /// Runs `body` with a started shell (HOME and state in a temporary folder) that has `environment`.
        func withShell(environment: [String: String] = [:], standardError: String? = nil, _ body: (TmuxShell, TemporaryDirectory) throws -> Void) throws {
            let home = try TemporaryDirectory("term")
            defer { home.remove() }
            let shell = try TmuxShell(stateHome: home.path, environment: environment, standardError: standardError.map(home.file))
            defer { shell.close() }
            try shell.start()
            try body(shell, home)
        }

        /// Whether a row holds an escape sequence (tmux shows colour and bold that way with `capture-pane -e`).
        func styled(_ row: String?) -> Bool { row?.contains("\u{1B}[") ?? false }

        /// A command that reports progress four times and then prints a record titled "bench: sleep 30".
        static let progressing = "bench sleep 30 -n 4 --warmup 0"

        enum Setting: String, CaseIterable, CustomTestStringConvertible {
            case plain, noColor, dumb
            var environment: [String: String] {
                switch self {
                case .plain: return [:]
                case .noColor: return ["NO_COLOR": "1"]
                case .dumb: return ["TERM": "dumb"]
                }
            }
            var colour: Bool { self == .plain }
            var testDescription: String { self == .plain ? "default" : self == .noColor ? "NO_COLOR=1" : "TERM=dumb" }
        }

        @Test("colour in results and errors on a terminal, none with NO_COLOR=1 or TERM=dumb", arguments: Setting.allCases)
        func colour(setting: Setting) throws {
            try withShell(environment: setting.environment) { shell, _ in
                try shell.type("time echo hi")
                try shell.press("Enter")
                try shell.waitFor("the time record") { $0.contains { $0.hasPrefix("time: echo hi") } }
                try shell.type("sleep abc")
                try shell.press("Enter")
                try shell.waitForRow("usage: sleep MS")
                let screen = shell.screenWithEscapes()
                let title = screen.first { $0.contains("time: echo hi") && !$0.contains("conclab>") }
                let error = screen.first { $0.contains("error:") }
                expectEqual(styled(title), setting.colour, "the record's title:\n\(screen.joined(separator: "\n"))")
                expectEqual(styled(error), setting.colour, "the error line:\n\(screen.joined(separator: "\n"))")
            }
        }

        @Test("a progress bar is drawn on a terminal and not with TERM=dumb", arguments: [Setting.plain, Setting.dumb])
        func progressBar(setting: Setting) throws {
            try withShell(environment: setting.environment) { shell, home in
                let record = home.file("pane-output")
                try shell.recordOutput(to: record)
                try shell.type(Self.progressing)
                try shell.press("Enter")
                try shell.waitFor("the bench record") { $0.contains { $0.hasPrefix("bench: sleep 30") } }
                // Everything the pane received up to the record is in the file once the record is.
                #expect(eventually { home.read("pane-output").contains("median_ms") }, "pipe-pane recorded nothing")
                let written = home.read("pane-output")
                let bar = written.contains("░") || written.contains("█")
                expectEqual(bar, (setting == .plain), "bar drawn: \(bar); the pane received:\n\(written.suffix(2000))")
            }
        }

        @Test("with stderr in a file: no progress bar and no colour in it, while stdout on the terminal keeps its colour")
        func standardErrorInFile() throws {
            try withShell(standardError: "stderr.txt") { shell, home in
                try shell.type(Self.progressing)
                try shell.press("Enter")
                try shell.waitFor("the bench record") { $0.contains { $0.hasPrefix("bench: sleep 30") } }
                try shell.type("sleep abc")
                try shell.press("Enter")
                #expect(eventually { home.read("stderr.txt").contains("usage: sleep MS") }, "no error in the file: \(home.read("stderr.txt"))")
                let errors = home.read("stderr.txt")
                #expect(!errors.contains("░") && !errors.contains("█"), "a progress bar went to the file:\n\(errors)")
                #expect(!errors.contains("\u{1B}"), "escapes went to the file:\n\(errors)")
                let screen = shell.screenWithEscapes()
                #expect(styled(screen.first { $0.contains("bench: sleep 30") && !$0.contains("conclab>") }),
                        "the record on the terminal lost its colour:\n\(screen.joined(separator: "\n"))")
            }
        }
    }
}

extension EndToEndSecondLine.TerminalOutputTests {
    @Test("Ctrl-C during bench keeps what was measured: the runs so far, their figures, and how many of how many")
    func benchStoppedKeepsItsRuns() throws {
        try withShell { shell, _ in
            try shell.type("bench sleep 20 -n 500 --warmup 0")
            try shell.press("Enter")
            // The progress bar names the last run that ended (it is redrawn every 100 ms); three are enough.
            func runsShown(_ screen: [String]) -> Int {
                screen.compactMap { row -> Int? in
                    guard let range = row.range(of: "% run ") else { return nil }
                    return Int(row[range.upperBound...].prefix { $0.isNumber })
                }.max() ?? 0
            }
            try shell.waitFor("three runs in the progress bar") { runsShown($0) >= 3 }
            // A Ctrl-C typed in the instant before the terminal leaves editing mode would reach the next prompt; the
            // command runs for 10 s, far longer than that instant.
            try shell.press("C-c")
            try shell.waitFor("the partial record") { $0.contains { $0.hasPrefix("bench: sleep 20 (stopped after ") } }
            let screen = shell.screen()
            let title = try #require(screen.first { $0.hasPrefix("bench: sleep 20 (stopped after ") })
            let digits = title.dropFirst("bench: sleep 20 (stopped after ".count).prefix { $0.isNumber }
            let done = try #require(Int(digits), "\(title)")
            #expect(done >= 3 && done < 500, "\(title)")
            #expect(title.hasSuffix(" of 500 runs)"), "\(title)")
            #expect(screen.contains { $0.hasPrefix("runs") && $0.hasSuffix(" \(done)") }, "\(screen.joined(separator: "\n"))")
            #expect(screen.contains { $0.hasPrefix("median_ms") && $0.contains("ms") }, "\(screen.joined(separator: "\n"))")
            #expect(screen.contains { $0.hasPrefix("stopped") && $0.hasSuffix("after \(done) of 500 runs") }, "\(screen.joined(separator: "\n"))")
            #expect(!screen.contains { $0.contains("cancelled") }, "\(screen.joined(separator: "\n"))")
        }
    }
}
