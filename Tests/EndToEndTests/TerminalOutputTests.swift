import Foundation
import LabOS
import Testing
import TestSupport

extension EndToEnd {
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
                #expect(styled(title) == setting.colour, "the record's title:\n\(screen.joined(separator: "\n"))")
                #expect(styled(error) == setting.colour, "the error line:\n\(screen.joined(separator: "\n"))")
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
                #expect(bar == (setting == .plain), "bar drawn: \(bar); the pane received:\n\(written.suffix(2000))")
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
