import Foundation
import LabOS
import Testing
import TestSupport

extension EndToEnd {
    /// conclab with stdin not a terminal, or `conclab run FILE`: a transcript on stdout, errors on stderr.
    @Suite(.serialized, .timeLimit(.minutes(2)))
    struct ScriptModeTests {
        /// Good lines, a comment, a blank line, a bad argument on line 5, then one more good line.
        static let mixed = """
            echo first
            # a comment is skipped

            echo 'a  b' "c d"
            sleep abc
            echo after
            """

        /// How the script reaches the shell.
        enum Source: String, CaseIterable, CustomTestStringConvertible {
            case pipe, file
            var testDescription: String { rawValue }
        }

        /// Runs `script` piped on stdin, or with `conclab run FILE`.
        func run(_ script: String, from source: Source, flags: [String] = []) throws -> RunResult {
            switch source {
            case .pipe:
                return try runConclab(flags, stdin: script)
            case .file:
                let directory = try TemporaryDirectory("script")
                defer { directory.remove() }
                let path = try directory.write("script.conclab", script)
                return try runConclab(["run"] + flags + [path])
            }
        }

        @Test("without --keep-going the script stops at the first failure", arguments: Source.allCases)
        func stopsAtFirstFailure(source: Source) throws {
            let result = try run(Self.mixed, from: source)
            expectEqual(result.status, 1, "\(result)")
            #expect(result.stdoutLines == [
                "conclab> echo first",
                "first",
                "conclab> echo 'a  b' \"c d\"",
                "a  b c d",
                "conclab> sleep abc",
            ], "\(result)")
            let errors = result.stderrLines
            #expect(errors.contains { $0.hasPrefix("error: line 5: ") && $0.contains("abc") }, "\(result)")
            #expect(errors.contains("usage: sleep MS"), "\(result)")
            #expect(errors.contains { $0.hasPrefix("stopped at line 5") }, "\(result)")
            #expect(!result.stdout.contains("after"))
        }

        @Test("with --keep-going the script goes on after a failure and still ends with status 1", arguments: Source.allCases)
        func keepGoing(source: Source) throws {
            let result = try run(Self.mixed, from: source, flags: ["--keep-going"])
            expectEqual(result.status, 1, "\(result)")
            #expect(result.stdoutLines == [
                "conclab> echo first",
                "first",
                "conclab> echo 'a  b' \"c d\"",
                "a  b c d",
                "conclab> sleep abc",
                "conclab> echo after",
                "after",
            ], "\(result)")
            #expect(result.stderrLines.contains { $0.hasPrefix("error: line 5: ") }, "\(result)")
            #expect(result.stderrLines.contains("usage: sleep MS"), "\(result)")
            #expect(!result.stderr.contains("stopped at line"), "\(result)")
        }

        @Test("a script of good commands ends with status 0 and nothing on stderr", arguments: Source.allCases)
        func allGood(source: Source) throws {
            let script = "# only good lines\n\necho one\n   echo two   \n\t# indented comment\necho three\n"
            let result = try run(script, from: source)
            expectEqual(result.status, 0, "\(result)")
            #expect(result.stdoutLines == ["conclab> echo one", "one", "conclab> echo two", "two", "conclab> echo three", "three"],
                    "\(result)")
            #expect(result.stderr.isEmpty, "\(result)")
        }

        @Test("an unknown command fails the script and names the line")
        func unknownCommand() throws {
            let result = try run("echo ok\nech oops\n", from: .pipe)
            expectEqual(result.status, 1, "\(result)")
            expectEqual(result.stdoutLines, ["conclab> echo ok", "ok", "conclab> ech oops"], "\(result)")
            #expect(result.stderrLines.contains { $0.hasPrefix("error: line 2: ") && $0.contains("ech") }, "\(result)")
        }

        @Test("--json prints one JSON object per command, without the echo", arguments: Source.allCases)
        func json(source: Source) throws {
            let result = try run(Self.mixed, from: source, flags: ["--json", "--keep-going"])
            expectEqual(result.status, 1, "\(result)")
            let objects = try result.stdoutLines.map { line -> [String: Any] in
                let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8))
                return try #require(parsed as? [String: Any], "not a JSON object: \(line)")
            }
            #expect(objects.map { $0["command"] as? String } == ["echo first", "echo 'a  b' \"c d\"", "sleep abc", "echo after"],
                    "\(result)")
            expectEqual(objects.map { $0["ok"] as? Bool }, [true, true, false, true], "\(result)")
            #expect(!result.stdout.contains("conclab>"))
            if objects.count == 4 {
                #expect(objects[2]["line"] as? Int == 5)
                let error = objects[2]["error"] as? [String: Any]
                #expect(error?["kind"] as? String == "usage")
                #expect(error?["usage"] as? String == "usage: sleep MS")
                let output = objects[1]["result"] as? [String: Any]
                #expect(output?["text"] as? String == "a  b c d")
            }
        }

        @Test("conclab --version prints the version and exits 0")
        func version() throws {
            let result = try runConclab(["--version"])
            expectEqual(result.status, 0, "\(result)")
            let text = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(!text.isEmpty && text.allSatisfy { $0.isNumber || $0 == "." }, "\(result)")
        }

        @Test("conclab --help describes the shell and the run mode and exits 0")
        func help() throws {
            let result = try runConclab(["--help"])
            expectEqual(result.status, 0, "\(result)")
            #expect(result.stdout.contains("USAGE"), "\(result)")
            #expect(result.stdout.contains("run"), "\(result)")
        }

        @Test("conclab run with a missing file fails with a message naming the file")
        func missingFile() throws {
            let result = try runConclab(["run", "/nonexistent/conclab-script"])
            #expect(result.status != nil && result.status != 0, "\(result)")
            #expect(result.stderr.contains("cannot read /nonexistent/conclab-script"), "\(result)")
            #expect(result.stderr.contains("no such file"), "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
        }

        @Test("a bad argument prints one error line and the usage line")
        func badArgument() throws {
            let result = try runConclab([], stdin: "sleep abc\n")
            expectEqual(result.status, 1, "\(result)")
            let errors = result.stderrLines
            expectEqual(errors.first?.hasPrefix("error: line 1: "), true, "\(result)")
            expectEqual(errors.first?.contains("'abc'"), true, "\(result)")
            expectEqual(errors.dropFirst().first, "usage: sleep MS", "\(result)")
        }

        @Test("SIGINT (Ctrl-C) during a command cancels it and ends the script with status 130")
        func interrupt() throws {
            let shell = try Launched(executable: try Conclab.binary(), arguments: [], keepInputOpen: true)
            defer { shell.cleanUp() }
            try shell.send("echo before\nsleep 60000\necho never\n")
            // The transcript echoes a line before running it.
            let started = eventually { shell.stdout.contains("conclab> sleep 60000") }
            try #require(started, "the shell did not reach the sleep:\n\(shell.stdout)\(shell.stderr)")
            _ = eventually(within: 5) { Processes.commandIsSleeping(shell.pid) }
            try ChildProcess.signal(shell.pid, Signals.interrupt)
            let result = try shell.finish(within: 10)
            expectEqual(result.status, 130, "\(result)")
            expectEqual(result.stdoutLines, ["conclab> echo before", "before", "conclab> sleep 60000"], "\(result)")
            #expect(result.stderr.contains("line 2"), "\(result)")
        }

        @Test("control characters in a script, its output and its errors reach the terminal escaped", arguments: Source.allCases)
        func controlsAreEscaped(source: Source) throws {
            let osc = "\u{1B}]0;pwned\u{07}\u{1B}]52;c;aGk=\u{07}\r\u{9B}2J"
            let shown = "\\x1b]0;pwned\\x07\\x1b]52;c;aGk=\\x07\\r\\x9b2J"
            let result = try run("echo '\(osc)'\nsleep '\(osc)'\n", from: source, flags: ["--keep-going"])
            expectEqual(result.status, 1, "\(result)")
            for text in [result.stdout, result.stderr] {
                #expect(!text.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\u{9B}" || $0 == "\r" }, "\(result)")
            }
            expectEqual(result.stdoutLines.filter { $0 == shown }.count, 1, "\(result)")
            #expect(result.stdoutLines.contains("conclab> echo '\(shown)'"), "\(result)")
            #expect(result.stderr.contains(shown), "the error quotes the argument, escaped: \(result)")
            let json = try run("echo '\(osc)'\n", from: source, flags: ["--json"])
            #expect(!json.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || (0x7F...0x9F).contains($0.value) }, "\(json)")
            #expect(json.stdout.contains("\\u001b]52;c;aGk=\\u0007"), "\(json)")
        }

        @Test("exit ends the script early with status 0")
        func exitCommand() throws {
            let result = try runConclab([], stdin: "echo before\nexit\necho never\n")
            expectEqual(result.status, 0, "\(result)")
            expectEqual(result.stdoutLines, ["conclab> echo before", "before", "conclab> exit"], "\(result)")
        }
    }
}
