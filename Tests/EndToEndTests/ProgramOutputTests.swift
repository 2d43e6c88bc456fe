import Foundation
import LabOS
import Testing
import TestSupport

extension EndToEnd {
    /// A Python program's output leaves conclab as python3's does: into a pipe or a file byte for byte (tabs, `\r`,
    /// escape sequences, stdout and stderr apart), with python3's exit statuses for sys.exit; a thread's exception on
    /// stderr. On a terminal, tabs and colours work and sequences that would drive the terminal are shown escaped.
    @Suite(.serialized, .timeLimit(.minutes(3)))
    struct ProgramOutputTests {
        /// What a program's run left: stdout's bytes, stderr's bytes, the status.
        struct Run: Equatable, CustomStringConvertible {
            var stdout: [UInt8]
            var stderr: [UInt8]
            var status: Int32?
            var description: String {
                "status \(status.map(String.init) ?? "signal")\n--- stdout\n\(String(decoding: stdout, as: UTF8.self).debugDescription)\n--- stderr\n\(String(decoding: stderr, as: UTF8.self).debugDescription)"
            }
        }

        static let programs: [(name: String, source: String)] = [
            ("controls", """
                print("a\\tb")
                print("\\rdone\\x1b[0m")
                print("\\x1b[31mred\\x1b[0m \\x1b]0;title\\x07 \\x1b[?1049h \\x1b[6n\\x08\\x7f")
                print("héllo ✓", end="")
                """),
            ("streams", """
                import sys
                print("out 1")
                print("err 1", file=sys.stderr)
                n = sys.stdout.write("out\\t2\\n")
                sys.stderr.write("err 2\\n")
                print(n, sys.argv[0] == "" or len(sys.argv) == 1)
                """),
            ("exit_status", "import sys\nprint('before')\nsys.exit(3)\nprint('after')\n"),
            ("exit_words", "import sys\nprint('before')\nsys.exit('fatal: no input')\n"),
            ("exit_zero", "import sys\nprint('bye')\nsys.exit(0)\n"),
            ("exit_none", "import sys\nsys.exit()\n"),
        ]

        /// python3 on this machine, or nil (the expected bytes below still hold without it).
        static func python3(_ path: String) throws -> Run? {
            guard let python = Files.findExecutable("python3") else { return nil }
            let run = try Capture.run(python, arguments: ["-S", path], timeoutNanoseconds: 30_000_000_000)
            guard case .exited(let code)? = run.status else { return nil }
            return Run(stdout: Array(run.standardOutput.utf8), stderr: Array(run.standardError.utf8), status: code)
        }

        static func conclab(_ arguments: [String]) throws -> Run {
            let run = try runConclab(arguments)
            return Run(stdout: Array(run.stdout.utf8), stderr: Array(run.stderr.utf8), status: run.status)
        }

        @Test("py --file into a pipe writes python3's bytes and exits with python3's status", arguments: programs.map(\.name))
        func fileMatchesPython3(name: String) throws {
            let dir = try TemporaryDirectory("progout")
            defer { dir.remove() }
            let source = Self.programs.first { $0.name == name }!.source
            let path = try dir.write(name + ".py", source + "\n")
            let ours = try Self.conclab(["py", "--file", path])
            if let theirs = try Self.python3(path) {
                // argv[0] is the path either way; only the bytes and the status are compared.
                expectEqual(ours, theirs, "conclab:\n\(ours)\npython3:\n\(theirs)")
            }
            switch name {
            case "controls":
                expectEqual(ours.stdout, Array("a\tb\n\rdone\u{1B}[0m\n\u{1B}[31mred\u{1B}[0m \u{1B}]0;title\u{07} \u{1B}[?1049h \u{1B}[6n\u{08}\u{7F}\nhéllo ✓".utf8),
                            "\(ours)")
            case "exit_status": expectEqual(ours, Run(stdout: Array("before\n".utf8), stderr: [], status: 3))
            case "exit_words": expectEqual(ours, Run(stdout: Array("before\n".utf8), stderr: Array("fatal: no input\n".utf8), status: 1))
            case "exit_zero", "exit_none": expectEqual(ours.status, 0, "\(ours)")
            default: break
            }
        }

        @Test("py -c runs as python3 -c: the same bytes on stdout and stderr, and the same status")
        func commandMatchesPython3() throws {
            let code = "import sys\nprint('a\\tb\\x1b[1m!')\nprint('warn', file=sys.stderr)\nprint(sys.argv)\nsys.exit(4)"
            let ours = try Self.conclab(["py", "-c", code])
            expectEqual(ours, Run(stdout: Array("a\tb\u{1B}[1m!\n['-c']\n".utf8), stderr: Array("warn\n".utf8), status: 4))
            if let python = Files.findExecutable("python3") {
                let run = try Capture.run(python, arguments: ["-S", "-c", code], timeoutNanoseconds: 30_000_000_000)
                expectEqual(ours.stdout, Array(run.standardOutput.utf8), "\(ours)")
                expectEqual(ours.stderr, Array(run.standardError.utf8), "\(ours)")
            }
        }

        @Test("an exception that ends a thread goes to stderr with the learner's frames only; the program goes on")
        func threadExceptionOnStandardError() throws {
            let dir = try TemporaryDirectory("progout")
            defer { dir.remove() }
            let path = try dir.write("th.py", """
                import threading
                def worker():
                    raise ValueError("x")
                t = threading.Thread(target=worker)
                t.start(); t.join()
                print("main ok")

                """)
            let run = try runConclab(["py", "--file", path])
            expectEqual(run.status, 0, "\(run)")
            expectEqual(run.stdout, "main ok\n", "\(run)")
            expectEqual(run.stderr, "Exception in thread Thread-1 (worker):\nTraceback (most recent call last):\n  line 3, in worker\nValueError: x\n",
                        "\(run)")
        }

        @Test("a script of commands stops at a program's non-zero exit and says which line and status")
        func scriptNamesTheExit() throws {
            let run = try runConclab([], stdin: "py -c 'import sys; print(1); sys.exit(2)'\necho never\n")
            expectEqual(run.status, 1, "\(run)")
            #expect(run.stdout.contains("\n1\n") && !run.stdout.contains("never"), "\(run)")
            #expect(run.stderr.contains("line 1: the program exited with status 2"), "\(run)")
        }

        @Test("on a terminal: tabs, \\r and colours reach it; a title, the alternate screen and a query are shown escaped")
        func terminalIsKeptSafe() throws {
            let home = try TemporaryDirectory("progout-term")
            defer { home.remove() }
            let shell = try TmuxShell(stateHome: home.path)
            defer { shell.close() }
            try shell.start()
            let record = home.file("pane")
            try shell.recordOutput(to: record)
            try shell.type(#"py -c 'print("A\tB\x1b[31mRED\x1b[0m \x1b]0;pwned\x07 \x1b[?1049h \x1b[6n END")'"#)
            try shell.press("Enter")
            try shell.waitFor("the program's line") { $0.contains { $0.contains("END") && !$0.contains("conclab>") } }
            try shell.type("py -c 'import sys; sys.exit(3)'")
            try shell.press("Enter")
            try shell.waitForRow("(the program exited with status 3)")
            let bytes = (try? Files.readText(record, limit: 1 << 20)) ?? ""
            // The echo of the typed line holds the same words with backslashes: the output line starts with a real tab.
            #expect(bytes.contains("A\tB\u{1B}[31mRED\u{1B}[0m " + #"\x1b]0;pwned\x07 \x1b[?1049h \x1b[6n END"#),
                    "tab and colour pass, the rest is escaped: \(bytes.debugDescription)")
            #expect(!bytes.contains("\u{1B}]0;pwned") && !bytes.contains("\u{1B}[?1049h"), "\(bytes.debugDescription)")
        }
    }
}
