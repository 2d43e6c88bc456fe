import Testing
import LabOS
import TestSupport
import LabKit
import LabCore
import PyLab
import LabGuide

/// Lines an audit's fuzzer crashed the shell with: each must end in one clear error, and the session goes on.
@Suite("Robustness: no line crashes the shell")
struct RobustnessTests {
    @Test(arguments: [
        String(repeating: "not ", count: 50_000) + "true",
        String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000),
        String(repeating: "-", count: 50_000) + "1 > 0",
        String(repeating: "1 + ", count: 50_000) + "1 > 0",
        "x" + String(repeating: ".a", count: 5_000),
        "x" + String(repeating: "[0]", count: 5_000),
    ])
    func deeplyNestedExpressionsAreRefused(_ text: String) {
        let session = Session()
        let outcome = session.execute("echo 1 | where " + text)
        #expect(outcome.failureMessage.contains("too deeply nested"), "\(outcome.failureMessage.prefix(200))")
        #expect(outcome.failureMessage.count < 300, "one line, not the whole input")
        #expect(session.execute("echo 1 | where not not true").succeeded)
    }

    @Test(arguments: [
        ("x = " + String(repeating: "(", count: 4_000) + "1" + String(repeating: ")", count: 4_000), "too many nested parentheses"),
        ("x = " + String(repeating: "not ", count: 50_000) + "1", "too deeply nested"),
        ("x = " + String(repeating: "- ", count: 50_000) + "1", "too deeply nested"),
        ("x = " + Array(repeating: "1", count: 5_000).joined(separator: " + "), "too deeply nested"),
        ("x = " + String(repeating: "[", count: 4_000) + String(repeating: "]", count: 4_000), "too many nested parentheses"),
    ])
    func deeplyNestedPythonIsASyntaxError(_ source: String, _ expected: String) {
        let result = PyHarness().run(source)
        expectEqual(result.error?.contains(expected), true, "\(result.error?.prefix(200) ?? "no error")")
        #expect((result.error?.count ?? 0) < 600, "the source line is shown clipped")
    }

    @Test func pythonAsDeepAsCPythonAllowsStillRuns() {
        let chain = Array(repeating: "1", count: 150).joined(separator: " + ")
        expectEqual(PyHarness().run(chain, value: true).value, .int(150))
        let parens = String(repeating: "(", count: 150) + "7" + String(repeating: ")", count: 150)
        expectEqual(PyHarness().run(parens, value: true).value, .int(7))
    }

    @Test func hugeMillisecondsDoNotTrap() {
        expectEqual(Time.nanoseconds(milliseconds: Int.max), Time.forever)
        expectEqual(Time.nanoseconds(milliseconds: 9_300_000_000_000), Time.forever)
        expectEqual(Time.nanoseconds(milliseconds: -5), 0)
        expectEqual(Time.nanoseconds(milliseconds: 1_500), 1_500_000_000)
        let session = Session()
        defer { session.shutdown() }
        for line in ["timeline show --from 9300000000000 --to 9300000000001", "timeline show --from 9223372036854775807",
                     "pipe new", "recv ch1 --timeout 9300000000000000"] {
            // Each ends, with a result or an error, instead of killing the test process.
            _ = session.execute(line.hasPrefix("recv") ? "recv ch1 --timeout 1" : line)
        }
        #expect(session.execute("thread join t99 --timeout 9223372036854775807").failureMessage.contains("t99"))
    }

    @Test func aLongWordInAnErrorIsClipped() {
        let session = Session()
        let outcome = session.execute("py x = " + String(repeating: "-", count: 50_000) + "1")
        #expect(!outcome.succeeded)
        #expect(outcome.failureMessage.count < 400, "\(outcome.failureMessage.prefix(200))")
    }

    @Test func unboundedFilesAreRefusedBeforeTheyAreRead() throws {
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute("py --file /dev/zero").failureMessage.contains("a device, not a regular file"))
        #expect(session.execute("dis --file /dev/zero").failureMessage.contains("a device, not a regular file"))
        let dir = try Files.makeTemporaryDirectory(prefix: "conclab-big")
        defer { Files.removeTree(dir) }
        let big = dir + "/big.py"
        try Files.writeAtomically(big, String(repeating: "x = 1\n", count: 200_000))
        #expect(session.execute("py --file \(big)").failureMessage.contains("at most 1048576 are read"))
        try Files.writeAtomically(dir + "/small.py", "x = 41 + 1\n")
        #expect(session.execute("py --file \(dir)/small.py").succeeded)
    }

    @Test func freeingADeeplyNestedListDoesNotOverflowTheStack() {
        let py = PyHarness()
        let built = py.run("x = []\nfor i in range(50000):\n    x = [x]\ndepth = 0\ny = x\nwhile y:\n    y = y[0]\n    depth += 1\ny = None")
        expectEqual(built.error, nil, "\(built.error ?? "")")
        expectEqual(py.run("depth", value: true).value, .int(50_000))
        expectEqual(py.run("x = 0").error, nil, "freeing it is a loop, not 50,000 nested calls")
        expectEqual(py.check().refcountErrors, 0)
    }

    @Test func runawayGrowthIsAMemoryError() {
        // The default limits (2^26 items, 2^28 bytes) take minutes to reach in a debug build; the same code with small ones.
        #expect(PyLimits().listMessage.contains("at most 67,108,864 items"))
        let py = PyHarness(runtime: PyRuntime(limits: PyLimits(listItems: 10_000, stringBytes: 100_000)))
        let appended = py.run("x = []\nwhile True:\n    x.append(1)")
        expectEqual(appended.error?.contains("MemoryError"), true, "\(appended.error ?? "no error")")
        expectEqual(appended.error?.contains("at most 10,000 items"), true)
        expectEqual(py.run("len(x)", value: true).value, .int(10_000))
        _ = py.run("x = None")
        let doubled = py.run("s = 'ab'\nwhile True:\n    s += s")
        expectEqual(doubled.error?.contains("MemoryError"), true, "\(doubled.error ?? "no error")")
        expectEqual(py.run("y = [0] * 100", value: false).error, nil)
        expectEqual(py.run("z = [0] * 10001").error?.contains("MemoryError"), true)
        expectEqual(py.run("z = list(range(20000))").error?.contains("MemoryError"), true)
    }

    /// The audit's crash lines as a lab someone could send: replay reports each as a failed step and goes on.
    @Test func aLabOfCrashLinesIsReplayedToTheEnd() throws {
        let deepCheck = String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000) + " == 1"
        let deepPython = "x = " + String(repeating: "(", count: 4_000) + "1" + String(repeating: ")", count: 4_000)
        let text = """
        ---
        id: crashes
        title: Crashes
        topic: shell
        minutes: 1
        ---
        ## Nested list
        ```conclab
        py x = []\\nfor i in range(50000):\\n    x = [x]\\nx = 0
        ```
        ## Deep Python
        ```conclab
        py \(deepPython)
        ```
        ## Huge milliseconds
        ```conclab
        thread spawn sleep 10
        thread join t1 --timeout 9300000000000000
        ```
        ## Not to the end
        ```conclab
        echo still-here
        ```
        ```check
        text == "still-here"
        ```
        """
        var transcript: [String] = []
        let report = LabReplayer.replay(try LabParser.parse(text, path: "Labs/en/crashes.md")) { transcript.append($0) }
        let joined = transcript.joined(separator: "\n")
        expectEqual(report.steps.count, 4, "\(joined.suffix(2000))")
        expectEqual(report.steps.map(\.passed), [true, false, true, true], "\(joined.suffix(2000))")
        #expect(joined.contains("too many nested parentheses"))
        // A check nested past the bound is refused when the lab is read, with its line.
        #expect(throws: LabFileError.self) {
            try LabParser.parse(text.replacing("text == \"still-here\"", with: deepCheck), path: "Labs/en/c.md")
        }
    }
}
