import Testing
import TestSupport
import LabCore
import PyLab

/// `random` gives CPython's numbers for a seed (checked here against values python3 3.11 printed, so the check holds
/// without python3; the conformance programs compare every function with python3 itself), and `sys` sorts a
/// program's output into its streams and reads `sys.exit` as python3 does.
@Suite("sys and random as CPython 3.11 has them", .timeLimit(.minutes(1)))
struct SysRandomTests {
    static func run(_ source: String) throws -> SnippetOutcome {
        let runtime = PyRuntime()
        return runtime.runHere(try runtime.compile(source), name: "test", cancellation: nil)
    }

    @Test("a seed gives python3's first numbers", arguments: [
        ("random.seed(0); x = random.random()", "0.8444218515250481"),
        ("random.seed(1); x = random.random()", "0.13436424411240122"),
        ("random.seed(42); x = random.random()", "0.6394267984578837"),
        ("random.seed(12345); x = random.random()", "0.41661987254534116"),
        ("random.seed(2 ** 40); x = random.random()", "0.1036394562812375"),
        ("random.seed('hello'); x = random.random()", "0.3537754404730722"),
        ("random.seed(77); x = random.sample(range(30), 6)", "[25, 8, 10, 6, 7, 26]"),
        ("random.seed(3); x = random.choices('abc', weights=[5, 1, 1], k=6)", "['a', 'a', 'a', 'a', 'a', 'a']"),
        ("random.seed(5); x = (random.gauss(0, 1), random.gauss(0, 1))", "(-1.1788417512306717, -1.1481606807908016)"),
    ])
    func seededNumbers(_ example: (String, String)) throws {
        let outcome = try Self.run("import random\n" + example.0 + "\nprint(x)")
        #expect(outcome.error == nil, "\(outcome.error ?? "")")
        #expect(outcome.output == example.1 + "\n")
    }

    @Test("sys.exit: a status, words for stderr, or a quiet end", arguments: [
        ("sys.exit(3)", Int32(3), ""), ("sys.exit('bad input')", Int32(1), "bad input"), ("sys.exit(True)", Int32(1), ""),
        ("sys.exit(256 + 7)", Int32(7), ""), ("raise SystemExit(2)", Int32(2), ""), ("raise SystemExit(1, 2)", Int32(1), "(1, 2)"),
    ])
    func exitStatus(_ example: (String, Int32, String)) throws {
        let outcome = try Self.run("import sys\nprint('before')\n" + example.0 + "\nprint('after')")
        #expect(outcome.error == nil, "\(outcome.error ?? "")")
        #expect(outcome.exit?.status == example.1 && outcome.exit?.message == example.2, "\(String(describing: outcome.exit))")
        #expect(outcome.output == "before\n")
    }

    @Test("sys.exit(0), sys.exit() and sys.exit(None) end the program as a success")
    func quietExits() throws {
        for line in ["sys.exit(0)", "sys.exit()", "sys.exit(None)", "raise SystemExit"] {
            let outcome = try Self.run("import sys\n" + line)
            #expect(outcome.exit == nil && outcome.error == nil, "\(line)")
        }
    }

    @Test("stdout and stderr keep their order, each piece marked with its stream")
    func streamsInOrder() throws {
        let outcome = try Self.run("""
            import sys, threading
            print("out 1")
            print("err 1", file=sys.stderr)
            sys.stdout.write("out 2\\n")
            t = threading.Thread(target=lambda: 1 / 0, name="w")
            t.start()
            t.join()
            print("out 3")
            """)
        let pieces = outcome.printed.pieces
        #expect(pieces.map(\.stream) == [.standardOutput, .standardError, .standardOutput, .standardError, .standardOutput])
        #expect(outcome.printed.text(of: .standardOutput) == "out 1\nout 2\nout 3\n")
        #expect(pieces.count == 5 && pieces[3].text.hasPrefix("Exception in thread w:\nTraceback (most recent call last):\n"))
        #expect(pieces.count == 5 && pieces[3].text.hasSuffix("ZeroDivisionError: division by zero\n") && !pieces[3].text.contains("_bootstrap"))
    }

    @Test("setrecursionlimit lowers the depth; above conclab's own limit the RecursionError says so")
    func recursionLimit() throws {
        let low = try Self.run("import sys\nsys.setrecursionlimit(50)\ndef f(n):\n    return f(n + 1)\nf(0)")
        #expect(low.errorType == "RecursionError")
        let high = try Self.run("import sys\nsys.setrecursionlimit(5000)\nprint(sys.getrecursionlimit())\ndef f(n):\n    return f(n + 1)\nf(0)")
        #expect(high.output == "5000\n" && high.errorType == "RecursionError")
        #expect(high.error?.contains("conclab's Python does not support recursion deeper than 1000 frames") == true, "\(high.error ?? "")")
    }
}
