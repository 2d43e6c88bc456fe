import Testing
import TestSupport
import LabKit
import LabCore
import LabGuide
import LabOS

/// The bounds of replay: a lab is someone else's file, so none of it may run, print or write without end.
@Suite("Replay bounds", .serialized, .timeLimit(.minutes(1)))
struct ReplayBoundsTests {
    private func lab(_ body: String, id: String = "bounded") throws -> Lab {
        try LabParser.parse("---\nid: \(id)\ntitle: T\ntopic: shell\nminutes: 1\n---\n" + body, path: "Labs/en/\(id).md")
    }

    private func limits(_ change: (inout ReplayLimits) -> Void) -> ReplayLimits {
        var limits = ReplayLimits()
        change(&limits)
        return limits
    }

    @Test func aStepOverItsLimitFailsWithTheReasonAndReplayGoesOn() throws {
        let slow = try lab("""
            ## Sleep for a day
            ```conclab
            sleep 86400000
            echo never
            ```
            ## Spin in Python
            ```conclab
            py 'while True: pass'
            ```
            ## Still runs
            ```conclab
            echo after
            ```
            ```check
            text == "after"
            ```
            """)
        var transcript: [String] = []
        let report = LabReplayer.replay(slow, registry: .standard, limits: limits { $0.stepMilliseconds = 300 }) { transcript.append($0) }
        let text = transcript.joined(separator: "\n")
        expectEqual(report.status, .failed)
        expectEqual(report.steps.map(\.passed), [false, false, true], "\(text)")
        expectEqual(report.steps[0].problems, ["line 9: 'sleep 86400000' was stopped: step 1 took longer than its limit of 300 ms"], "\(text)")
        expectEqual(report.steps[1].problems.first?.contains("step 2 took longer than its limit of 300 ms"), true, "\(text)")
        #expect(!text.contains("conclab> echo never"))
        expectEqual(transcript.last?.hasPrefix("✗ bounded (en): 2 failed in step 1"), true, "\(text)")

        // The next lab runs as usual.
        let next = LabReplayer.replay(try lab("## Echo\n```conclab\necho 5\n```\n```check\ntext == \"5\"\n```\n", id: "next")) { _ in }
        expectEqual(next.status, .passed)
    }

    @Test func aStepMayAskForMoreTimeAndTheLabLimitStopsTheLab() throws {
        let slow = try lab("""
            ## Needs a while
            ```requires
            timeout: 5
            ```
            ```conclab
            sleep 400
            ```
            ## Too long for the lab
            ```requires
            timeout: 5
            ```
            ```conclab
            sleep 86400000
            ```
            ## Never reached
            ```conclab
            echo never
            ```
            """)
        expectEqual(slow.steps[0].timeLimitSeconds, 5)
        var transcript: [String] = []
        let chosen = limits {
            $0.stepMilliseconds = 300
            $0.labMilliseconds = 1_000
        }
        let report = LabReplayer.replay(slow, registry: .standard, limits: chosen) { transcript.append($0) }
        let text = transcript.joined(separator: "\n")
        expectEqual(report.steps.count, 2, "\(text)")
        #expect(report.steps[0].passed, "\(text)")
        expectEqual(report.steps[1].problems.first?.contains("the lab took longer than its limit of 1 s"), true, "\(text)")
        #expect(!text.contains("echo never"))
        expectEqual(transcript.last?.hasSuffix("; stopped early"), true, "\(text)")
    }

    @Test(arguments: [
        ("requires: timeout: 601", "## S\n```requires\ntimeout: 601\n```\n```conclab\necho\n```\n", "at most 600 seconds"),
        ("front matter timeout: 1801", "---\nid: x\ntitle: t\ntopic: t\nminutes: 1\nrequires: timeout: 1801\n---\n## S\n```conclab\necho\n```\n", "at most 1800 seconds"),
        ("timeout twice", "## S\n```requires\ntimeout: 5\ntimeout: 6\n```\n```conclab\necho\n```\n", "names a timeout twice"),
        ("timeout without seconds", "## S\n```requires\ntimeout: soon\n```\n```conclab\necho\n```\n", "timeout: SECONDS"),
    ])
    func aTimeLimitHasAMaximum(name: String, body: String, reason: String) {
        let text = body.hasPrefix("---") ? body : "---\nid: x\ntitle: t\ntopic: t\nminutes: 1\n---\n" + body
        #expect(throws: LabFileError.self, "\(name)") { try LabParser.parse(text, path: "Labs/en/x.md") }
        do throws(LabFileError) { _ = try LabParser.parse(text, path: "Labs/en/x.md") } catch {
            #expect(error.reason.contains(reason), "\(name): \(error.reason)")
        }
    }

    @Test func aProgramCalledTimeoutIsStillAProgram() throws {
        let parsed = try lab("## S\n```requires\ntimeout\n```\n```conclab\necho\n```\n")
        expectEqual(parsed.steps[0].requires, [.program("timeout")])
        expectEqual(parsed.steps[0].timeLimitSeconds, LabTimeLimit.stepDefaultSeconds)
    }

    @Test func aReplayedLabCannotRaiseACap() throws {
        let greedy = try lab("""
            ## Many threads
            ```conclab
            set limit threads 5000
            ```
            ## Many processes
            ```conclab
            set limit processes 1000
            ```
            ## Fewer is fine
            ```conclab
            set limit threads 5
            ```
            """)
        var transcript: [String] = []
        let report = LabReplayer.replay(greedy) { transcript.append($0) }
        expectEqual(report.steps.map(\.passed), [false, false, true], "\(transcript.joined(separator: "\n"))")
        expectEqual(report.steps[0].problems.first?.contains("may not raise limit.threads above its default of 256"), true)
        expectEqual(report.steps[1].problems.first?.contains("may not raise limit.processes above its default of 64"), true)
    }

    @Test func aShellSessionMayStillRaiseACap() {
        let session = Session()
        let outcome = session.execute("set limit threads 5000")
        #expect(outcome.succeeded, "\(String(describing: outcome.failure))")
        session.shutdown()
    }

    @Test func aLabThatPrintsTooMuchIsStopped() throws {
        let line = String(repeating: "y", count: 400)
        let loud = try lab("## Loud\n```conclab\n" + String(repeating: "echo \(line)\n", count: 20) + "```\n## After\n```conclab\necho after\n```\n")
        var transcript: [String] = []
        let report = LabReplayer.replay(loud, registry: .standard, limits: limits { $0.outputBytes = 2_000 }) { transcript.append($0) }
        expectEqual(report.status, .failed)
        expectEqual(report.steps.count, 1)
        expectEqual(report.steps[0].problems.last?.contains("printed more than"), true, "\(report.steps[0].problems)")
        // Everything but the reason and the verdict fits in the limit.
        let body = transcript.dropLast(2).reduce(0) { $0 + $1.utf8.count + 1 }
        #expect(body <= 2_000)
    }

    @Test func aLabThatWritesTooMuchIsStopped() throws {
        let chunk = String(repeating: "z", count: 500)
        let writer = try lab("""
            ## Write in a loop
            ```conclab
            fd open big.txt --mode w --name big
            bench fd write big \(chunk) -n 1000
            ```
            ## After
            ```conclab
            echo after
            ```
            """)
        var transcript: [String] = []
        let report = LabReplayer.replay(writer, registry: .standard, limits: limits { $0.scratchBytes = 20_000 }) { transcript.append($0) }
        let text = transcript.joined(separator: "\n")
        expectEqual(report.steps.count, 1, "\(text)")
        #expect(report.steps[0].problems.contains { $0.contains("wrote more than") }, "\(text)")
        #expect(text.contains("a replayed lab may write at most"))
    }

    @Test func aLabThatMakesTooManyFilesIsStopped() throws {
        let maker = try lab("## Files\n```conclab\n" + (1...6).map { "fd open f\($0) --mode w\n" }.joined() + "```\n")
        let report = LabReplayer.replay(maker, registry: .standard, limits: limits { $0.scratchEntries = 3 }) { _ in }
        expectEqual(report.steps[0].problems.last?.contains("more than 3 files"), true, "\(report.steps[0].problems)")
    }

    /// `^(a+)+$` against thirty a's and a b: hours for a backtracking engine, one pass here.
    @Test func aCatastrophicPatternEndsAtOnce() throws {
        let pattern = try LinePattern("^(a+)+$")
        #expect(!pattern.matches(String(repeating: "a", count: 30) + "b"))
        #expect(pattern.matches(String(repeating: "a", count: 30)))
        let evil = try lab("## Evil\n```conclab\necho \(String(repeating: "a", count: 30))b\n```\n```output\n^(a+)+$ (re)\n(a|aa)*c (re)\n```\n")
        let report = LabReplayer.replay(evil) { _ in }
        expectEqual(report.steps[0].problems.count, 2, "\(report.steps[0].problems)")
        #expect(report.steps[0].problems.allSatisfy { $0.contains("did not appear") })
    }

    @Test func matchingHasABudget() throws {
        let long = try lab("## Long\n```conclab\necho \(String(repeating: "ab", count: 2_000))\n```\n```output\n(a|b)*c (re)\n```\n")
        let report = LabReplayer.replay(long, registry: .standard, limits: limits { $0.matchSteps = 1_000 }) { _ in }
        expectEqual(report.steps[0].problems.first?.contains("took more than the 1000 steps"), true, "\(report.steps[0].problems)")
    }

    @Test(arguments: [
        ("usage: proc spawn", "error: usage: proc spawn WORKLOAD", true),
        ("^hel+o$", "hello", true),
        ("^hel+o$", "help", false),
        ("x=1", "y, x=10", true),
        ("^p\\d+$", "p12", true),
        ("^p\\d+$", "p1a", false),
        ("[a-c]{2,3}z", "xxbcz", true),
        ("[^a-c]z", "cz", false),
        ("colou?r", "color", true),
        ("(?:cat|dog)s\\b", "dogs!", true),
        ("(?:cat|dog)s\\b", "dogsled", false),
        ("a.c", "a✓c", true),
        ("\\$\\d+\\.\\d{2}", "cost $12.50", true),
        ("(?<word>\\w+) = \\d", "lost = 0", true),
        ("^$", "", true),
        ("a{0}b", "b", true),
        ("\\s\\S", " x", true),
    ])
    func patternsMatchAsUsual(pattern: String, line: String, expected: Bool) throws {
        #expect(try LinePattern(pattern).matches(line) == expected, "\(pattern) on \(line)")
    }

    @Test(arguments: [
        ("(a)\\1", "backreferences"),
        ("a(?=b)", "lookaround"),
        ("a(?<!b)", "lookaround"),
        ("a**", "cannot follow"),
        ("a++", "possessive"),
        ("([", "not closed"),
        ("a)", "unbalanced"),
        ("*a", "nothing to repeat"),
        ("a{2000}", "at most 1000"),
        ("(a{1000}){1000}", "too large"),
        ("\\q", "unknown escape"),
    ])
    func patternsThatCannotBeMatchedSafelyAreRefused(pattern: String, reason: String) {
        do throws(LinePatternError) {
            _ = try LinePattern(pattern)
            Issue.record("\(pattern) was accepted")
        } catch {
            #expect(error.reason.contains(reason), "\(pattern): \(error.reason)")
        }
    }

    @Test(arguments: [("abcabd", "abd", true), ("aaaa", "aab", false), ("✓ ok", "✓", true), ("x", "", true), ("ab", "abc", false)])
    func plainOutputIsASubstring(haystack: String, needle: String, expected: Bool) {
        expectEqual(OutputSearch.contains(Array(haystack.utf8), Array(needle.utf8)), expected)
    }
}

/// Finding labs in a folder someone else made.
@Suite("Lab discovery", .serialized, .timeLimit(.minutes(1)))
struct LabDiscoveryTests {
    @Test func discoverySkipsLinksOutLoopsAndFIFOs() throws {
        let root = try Files.makeTemporaryDirectory(prefix: "conclab-discovery")
        defer { Files.removeTree(root) }
        try Files.makeDirectories(root + "/en")
        try Files.writeAtomically(root + "/en/01-a.md", "---\n")
        try Files.makeSymbolicLink(root + "/en/root", to: "/")
        try Files.makeSymbolicLink(root + "/en/loop", to: ".")
        try Files.makeSymbolicLink(root + "/en/up", to: "..")
        try Files.makeSymbolicLink(root + "/en/ping", to: "pong")
        try Files.makeSymbolicLink(root + "/en/pong", to: "ping")
        try Files.makeSymbolicLink(root + "/en/zero.md", to: "/dev/zero")
        try Files.makeSymbolicLink(root + "/en/twin.md", to: "01-a.md")
        try Files.makeFIFO(root + "/en/x.md")

        let found = LabCatalog.discover([root])
        expectEqual(found.files, [root + "/en/01-a.md", root + "/en/twin.md"])
        let notes = found.skipped.joined(separator: "\n")
        #expect(notes.contains(root + "/en/root: a symbolic link to /, outside"), "\(notes)")
        #expect(notes.contains(root + "/en/loop: leads to a folder already searched"), "\(notes)")
        #expect(notes.contains(root + "/en/up: leads to a folder already searched"), "\(notes)")
        #expect(notes.contains(root + "/en/ping: a symbolic link that leads nowhere or round a loop"), "\(notes)")
        #expect(notes.contains(root + "/en/zero.md: a symbolic link to /dev/zero, outside"), "\(notes)")
        #expect(notes.contains(root + "/en/x.md: a FIFO, not a regular file; skipped"), "\(notes)")

        // Named on the command line, the FIFO and the device are skipped too (never opened).
        let direct = LabCatalog.discover([root + "/en/x.md", root + "/en/zero.md"])
        #expect(direct.files.isEmpty)
        expectEqual(direct.skipped.count, 2, "\(direct.skipped)")
    }

    @Test func aLabFileThatIsNotRegularOrTooLargeIsRefusedNotRead() throws {
        let root = try Files.makeTemporaryDirectory(prefix: "conclab-discovery")
        defer { Files.removeTree(root) }
        try Files.makeFIFO(root + "/x.md")
        try Files.writeAtomically(root + "/big.md", String(repeating: "x", count: LabCatalog.maxLabFileBytes + 1))
        for (path, reason) in [(root + "/x.md", "a FIFO, not a regular file"), ("/dev/zero", "a character device"),
                               (root + "/big.md", "more than the 1048576 a lab file may hold")] {
            do throws(LabFileError) {
                _ = try LabCatalog.readLab(path)
                Issue.record("\(path) was read")
            } catch {
                #expect(error.reason.contains(reason), "\(error)")
            }
        }
    }
}
