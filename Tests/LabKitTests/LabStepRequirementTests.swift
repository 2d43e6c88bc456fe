import Testing
import TestSupport
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide
import LabOS

/// Front matter of six lines, so a body's first line is line 7 of the file.
private func labText(_ body: String, id: String = "t") -> String {
    "---\nid: \(id)\ntitle: T\ntopic: shell\nminutes: 1\n---\n" + body
}

/// More cores than any machine running the tests has: the requirement is unmet everywhere.
private let unmet = "```requires\ncores: 9999\n```\n"

private var needs9999: String { "needs 9999 cores, this process may use \(System.usableCPUs.cores)" }

@Suite("Step requirements: parsing")
struct LabStepRequirementParsingTests {
    @Test func aRequiresBlockAttachesToItsStep() throws {
        let body = """
        ## Plain
        ```conclab
        echo a
        ```
        ## Needy
        Prose first is fine.

        ```requires
        cores: 2
        python3
        ```

        ```conclab
        echo b
        ```
        """
        let lab = try LabParser.parse(labText(body), path: "Labs/en/t.md")
        expectEqual(lab.requires, [])
        expectEqual(lab.steps[0].requires, [])
        expectEqual(lab.steps[0].requiresLine, nil)
        expectEqual(lab.steps[1].requires, [.cores(2), .program("python3")])
        expectEqual(lab.steps[1].requiresLine, 14)
        expectEqual(lab.steps[1].prose, "Prose first is fine.")
        expectEqual(lab.steps[1].commands.map(\.text), ["echo b"])
    }

    /// Each malformed variant, with the line its error must name.
    @Test(arguments: [
        ("unknown requirement", "## s\n```requires\ncores: 2\npy thon!\n```\n```conclab\necho\n```\n", 10, "unknown requirement 'py thon!'"),
        ("cores without a number", "## s\n```requires\ncores: many\n```\n```conclab\necho\n```\n", 9, "'cores: N'"),
        ("two requirements on a line", "## s\n```requires\ncores: 2, python3\n```\n```conclab\necho\n```\n", 9, "'cores: N'"),
        ("after the first command block", "## s\n```conclab\necho\n```\n```requires\ncores: 2\n```\n", 11, "before the step's first ```conclab block"),
        ("a second block", "## s\n```requires\ncores: 1\n```\n```requires\npython3\n```\n```conclab\necho\n```\n", 11, "already has a ```requires block (line 8)"),
        ("an empty block", "## s\n```requires\n\n```\n```conclab\necho\n```\n", 8, "empty ```requires block"),
        ("outside a step", "```requires\ncores: 1\n```\n## s\n```conclab\necho\n```\n", 7, "inside a '## ' step"),
    ])
    func reportsBadRequiresBlocks(name: String, body: String, line: Int, reason: String) {
        do {
            _ = try LabParser.parse(labText(body), path: "Labs/en/bad.md")
            Issue.record("\(name): parsed without error")
        } catch {
            expectEqual(error.line, line, "\(name): \(error)")
            #expect(error.reason.contains(reason), "\(name): \(error)")
            #expect(error.description.hasPrefix("Labs/en/bad.md:\(line): "), "\(name)")
        }
    }

    @Test func theFrontMatterStillReadsTheSameItems() throws {
        let text = "---\nid: t\ntitle: T\ntopic: shell\nminutes: 1\nrequires: python3, cores: 2\n---\n## s\n```conclab\necho\n```\n"
        #expect(try LabParser.parse(text, path: "Labs/en/t.md").requires == [.program("python3"), .cores(2)])
    }

    @Test func unmetReasonsForAListOfRequirements() {
        expectEqual(LabCatalog.unmetRequirement([]), nil)
        expectEqual(LabCatalog.unmetRequirement([.cores(1)]), nil)
        expectEqual(LabCatalog.unmetRequirement([.cores(1), .cores(9999)]), needs9999)
        expectEqual(LabCatalog.unmetRequirement([.program("conclab-no-such-program")]), "needs conclab-no-such-program, which is not on PATH")
        expectEqual(LabCatalog.unmetRequirement([.cores(9999)], language: .ru), "нужно ядер: 9999, а этому процессу доступно: \(System.usableCPUs.cores)")
    }
}

@Suite("Step requirements: replay", .serialized)
struct LabStepRequirementReplayTests {
    /// Step 2 would fail if it ran (a bad command and a false check); it must be skipped while steps 1 and 3 run.
    private let threeSteps = """
    ## First
    ```conclab
    echo one
    ```
    ```check
    text == "one"
    ```
    ## Too big
    \(unmet)
    ```conclab
    sleep nonsense
    ```
    ```check
    slept_ms < 0
    ```
    ## Third
    ```conclab
    echo three
    ```
    ```check
    text == "three"
    ```
    """

    @Test func anUnmetStepIsSkippedAndTheOthersRun() throws {
        var transcript: [String] = []
        let report = LabReplayer.replay(try LabParser.parse(labText(threeSteps), path: "Labs/en/t.md")) { transcript.append($0) }
        let shown = transcript.joined(separator: "\n")
        expectEqual(report.status, .passed, "\(shown)")
        expectEqual(report.steps.map(\.skipped), [false, true, false])
        expectEqual(report.steps[1].skipReason, needs9999)
        #expect(report.steps[1].checks.isEmpty)
        #expect(report.steps[1].problems.isEmpty)
        expectEqual(report.checkCount, 2)
        expectEqual(report.skippedStepCount, 1)
        #expect(transcript.contains("– step 2 skipped: " + needs9999), "\(shown)")
        #expect(transcript.contains("conclab> echo one"))
        #expect(transcript.contains("conclab> echo three"))
        #expect(!shown.contains("sleep nonsense"))
        expectEqual(transcript.last, "✓ t (en): 2 checks passed, 1 step skipped")
    }

    @Test func theJSONReportCountsSkippedSteps() throws {
        let report = LabReplayer.replay(try LabParser.parse(labText(threeSteps), path: "Labs/en/t.md")) { _ in }
        let json = report.json
        expectEqual(json["status"], .string("passed"))
        expectEqual(json["skipped_steps"], .int(1))
        guard case .list(let steps)? = json["steps"], steps.count == 3, case .record(let second) = steps[1] else {
            Issue.record("no steps in \(json)")
            return
        }
        expectEqual(second["skipped"], .bool(true))
        expectEqual(second["skip_reason"], .string(needs9999))
        if case .record(let first) = steps[0] {
            expectEqual(first["skipped"], .bool(false))
            expectEqual(first["skip_reason"], .null)
        }
    }

    @Test func aMetStepRequirementRunsTheStep() throws {
        let body = "## Small\n```requires\ncores: 1\n```\n```conclab\necho 5\n```\n```check\ntext == \"6\"\n```\n"
        let report = LabReplayer.replay(try LabParser.parse(labText(body), path: "Labs/en/t.md")) { _ in }
        expectEqual(report.status, .failed)
        expectEqual(report.steps[0].skipped, false)
        expectEqual(report.steps[0].checks.map(\.passed), [false])
    }

    @Test func aSkippedStepDoesNotHideAFailureElsewhere() throws {
        let body = "## Big\n\(unmet)```conclab\necho\n```\n## Wrong\n```conclab\necho 5\n```\n```check\ntext == \"6\"\n```\n"
        var transcript: [String] = []
        let report = LabReplayer.replay(try LabParser.parse(labText(body), path: "Labs/en/t.md")) { transcript.append($0) }
        expectEqual(report.status, .failed)
        expectEqual(report.steps.map(\.skipped), [true, false])
        expectEqual(transcript.last, "✗ t (en): 1 failed in step 2 'Wrong', 1 step skipped")
    }

    @Test func aLabWhoseEveryStepIsSkippedPasses() throws {
        let body = "## A\n\(unmet)```conclab\nsleep nonsense\n```\n## B\n```requires\nconclab-no-such-program\n```\n```conclab\nsleep nonsense\n```\n"
        let report = LabReplayer.replay(try LabParser.parse(labText(body), path: "Labs/en/t.md")) { _ in }
        expectEqual(report.status, .passed)
        expectEqual(report.skippedStepCount, 2)
        expectEqual(report.steps[1].skipReason, "needs conclab-no-such-program, which is not on PATH")
    }
}

@Suite("Step requirements: guided lab", .serialized)
struct LabStepRequirementGuideTests {
    private let body = """
    ## Echo
    ```conclab
    echo hello
    ```
    ```check
    text == "hello"
    ```
    ## Many cores
    \(unmet)
    ```conclab
    echo big
    ```
    ```check
    text == "never"
    ```
    ```hint
    Needs a big machine.
    ```
    ## Memory
    ```conclab
    mem
    ```
    """

    /// A session over a temporary Labs folder holding `files` (name → text); the caller removes `dir`.
    private func session(_ files: [String: String]) throws -> (Session, String) {
        let dir = try Files.makeTemporaryDirectory(prefix: "conclab-step-req-test")
        try Files.makeDirectories(dir + "/Labs/en")
        for (name, text) in files { try Files.writeAtomically(dir + "/Labs/en/" + name, text) }
        return (Session(environment: SessionEnvironment(labsDirectory: dir + "/Labs", stateDirectory: dir + "/state")), dir)
    }

    @Test func anUnmetStepShowsANoteCountsAsDoneAndLetsTheLearnerMoveOn() throws {
        let (session, dir) = try session(["01-guide.md": labText(body, id: "guide")])
        defer { Files.removeTree(dir) }
        #expect(session.execute("lab start guide").succeeded)
        #expect(session.execute("echo hello").notes.contains { $0.text.contains("Step 1 done") })
        let next = session.execute("lab next")
        #expect(next.succeeded)
        #expect(next.text.contains("skipped on this machine: " + needs9999 + ". It counts as done; 'lab next' moves on."), "\(next.text)")
        expectEqual(LabGuide.promptPrefix(session), "[guide 2/3] ")
        expectEqual(LabProgress.load(from: dir + "/state").labs["guide"]?.stepsDone, [1, 2])
        // Hints still work.
        #expect(session.execute("lab hint").text.contains("Needs a big machine."))
        // 'lab check' explains instead of judging this machine by checks written for another.
        let check = session.execute("lab check")
        #expect(check.text.contains(needs9999), "\(check.text)")
        #expect(!check.text.contains("✗"))
        // Running the step's command anyway does not report its checks as failed.
        #expect(!session.execute("echo big").notes.contains { $0.text.contains("✗") })
        guard case .string(let note)? = session.execute("lab status").result.fields["skipped"] else {
            Issue.record("lab status has no 'skipped' note")
            return
        }
        #expect(note.contains(needs9999))
        #expect(session.execute("lab next").succeeded)
        expectEqual(LabGuide.promptPrefix(session), "[guide 3/3] ")
        expectEqual(session.execute("lab status").result.fields["skipped"], nil)
        #expect(session.execute("mem").notes.contains { $0.text.contains("complete") })
        expectEqual(LabProgress.load(from: dir + "/state").labs["guide"]?.stepsDone, [1, 2, 3])
    }

    @Test func startingOnAnUnmetStepCountsItAndAnUnmetLastStepCompletesTheLab() throws {
        let text = labText("## Big\n\(unmet)```conclab\necho big\n```\n", id: "solo")
        let (session, dir) = try session(["01-solo.md": text])
        defer { Files.removeTree(dir) }
        let start = session.execute("lab start solo")
        #expect(start.succeeded)
        #expect(start.text.contains(needs9999 + ". It counts as done; it is the last step."), "\(start.text)")
        #expect(start.text.contains("Lab 'solo' complete"), "\(start.text)")
        expectEqual(LabProgress.load(from: dir + "/state").labs["solo"]?.stepsDone, [1])
        expectEqual(session.execute("lab list").result.fields["rows"].map { "\($0)" }?.contains("✓ done"), true)
    }
}

@Suite("Step requirements: lint")
struct LabStepRequirementLintTests {
    private func twins(en: String, ru: String) throws -> (errors: [LabFileError], dir: String) {
        let dir = try Files.makeTemporaryDirectory(prefix: "conclab-step-req-lint")
        for (lang, body) in [("en", en), ("ru", ru)] {
            try Files.makeDirectories(dir + "/" + lang)
            try Files.writeAtomically(dir + "/\(lang)/01-t.md", labText(body))
        }
        return (LabLinter.lint([dir]), dir)
    }

    @Test func twinsWithDifferentStepRequirementsAreReported() throws {
        let en = "## S\n```requires\ncores: 2\n```\n```conclab\necho\n```\n"
        let ru = "## S\n```conclab\necho\n```\n"
        let (errors, dir) = try twins(en: en, ru: ru)
        defer { Files.removeTree(dir) }
        expectEqual(errors.map(\.description), [dir + "/ru/01-t.md:7: step 'S' requires nothing but its twin in \(dir)/en/01-t.md requires cores: 2"])
        // The other way round the report points at the ru file's requires fence.
        let (reversed, dir2) = try twins(en: ru, ru: en)
        defer { Files.removeTree(dir2) }
        expectEqual(reversed.map(\.description), [dir2 + "/ru/01-t.md:8: step 'S' requires cores: 2 but its twin in \(dir2)/en/01-t.md requires nothing"])
    }

    @Test func twinsWithTheSameRequirementsInAnotherOrderAreClean() throws {
        let en = "## S\n```requires\ncores: 2\npython3\n```\n```conclab\necho\n```\n"
        let ru = "## S\n```requires\npython3\ncores: 2\n```\n```conclab\necho\n```\n"
        let (errors, dir) = try twins(en: en, ru: ru)
        defer { Files.removeTree(dir) }
        #expect(errors.isEmpty, "\(errors)")
    }

    @Test func aBadRequiresLineIsReportedWithItsLine() throws {
        let body = "## S\n```requires\npy thon!\n```\n```conclab\necho\n```\n"
        let (errors, dir) = try twins(en: body, ru: body)
        defer { Files.removeTree(dir) }
        #expect(errors.map(\.description).contains(dir + "/en/01-t.md:9: unknown requirement 'py thon!' (a program name such as python3, 'cores: N' or 'timeout: SECONDS')"), "\(errors)")
        #expect(errors.map(\.description).contains { $0.hasPrefix(dir + "/ru/01-t.md:9: unknown requirement") }, "\(errors)")
    }
}
