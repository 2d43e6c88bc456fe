import Testing
import TestSupport
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide
import LabOS

/// A small, valid lab used as the base of the malformed variants.
private let goodLab = """
---
id: sample
title: A sample
topic: shell
minutes: 3
requires: cores: 1
---

# A sample

Intro text.

## First step

Some prose.

```conclab
echo hello
```

```check
text == "hello"
```

```hint
Type it.
```

```output
hello
^hel+o$ (re)
```

## Second step

```conclab
mem
```

```check
rss_bytes > 0
```

```python
print("never run")
```
"""

@Suite("Lab files")
struct LabFileTests {
    @Test func parsesAGoodLab() throws {
        let lab = try LabParser.parse(goodLab, path: "Labs/en/01-sample.md")
        expectEqual(lab.id, "sample")
        expectEqual(lab.title, "A sample")
        expectEqual(lab.topic, "shell")
        expectEqual(lab.minutes, 3)
        expectEqual(lab.language, .en)
        expectEqual(lab.requires, [.cores(1)])
        expectEqual(lab.introduction, "Intro text.")
        expectEqual(lab.steps.count, 2)
        expectEqual(lab.steps[0].title, "First step")
        expectEqual(lab.steps[0].commands.map(\.text), ["echo hello"])
        expectEqual(lab.steps[0].commands[0].number, 18)
        expectEqual(lab.steps[0].checkGroups.count, 1)
        expectEqual(lab.steps[0].checkGroups[0].command?.text, "echo hello")
        expectEqual(lab.steps[0].hints, ["Type it."])
        #expect(lab.steps[1].prose.contains("never run"))
        expectEqual(lab.steps[1].commands.map(\.text), ["mem"])
    }

    @Test func languageComesFromTheFolder() throws {
        #expect(try LabParser.parse(goodLab, path: "Labs/ru/01-sample.md").language == .ru)
    }

    @Test func aFolderThatNamesNoLanguageMeansEnglish() throws {
        #expect(try LabParser.parse(goodLab, path: "/tmp/labs/01-sample.md").language == .en)
    }

    @Test(arguments: [("ru_RU.UTF-8", LabLanguage.ru), ("ru", .ru), ("en_GB.UTF-8", .en), ("C.UTF-8", .en), ("POSIX", .en)])
    func localeNamesTheLanguage(locale: String, language: LabLanguage) {
        expectEqual(LabLanguage(locale: locale), language)
    }

    /// Each malformed variant, with the line its error must name.
    @Test(arguments: [
        ("no front matter", "id: x\n## s\n```conclab\necho\n```\n", 1, "front matter"),
        ("front matter not closed", "---\nid: x\ntitle: t\n", 1, "not closed"),
        ("missing title", "---\nid: x\ntopic: t\nminutes: 2\n---\n## s\n```conclab\necho\n```\n", 5, "no 'title:'"),
        ("unknown key", "---\nid: x\ntitel: t\n---\n", 3, "unknown front matter key 'titel'"),
        ("bad minutes", "---\nid: x\ntitle: t\ntopic: t\nminutes: soon\n---\n", 5, "minutes must be a whole number"),
        ("bad id", "---\nid: 1 bad\ntitle: t\ntopic: t\nminutes: 2\n---\n", 2, "id '1 bad'"),
        ("bad requirement", "---\nid: x\ntitle: t\ntopic: t\nminutes: 2\nrequires: py thon!\n---\n", 6, "unknown requirement"),
        ("step without commands", "---\nid: x\ntitle: t\ntopic: t\nminutes: 2\n---\n## Empty\nprose\n", 7, "has no ```conclab block"),
        ("unclosed fence", "---\nid: x\ntitle: t\ntopic: t\nminutes: 2\n---\n## s\n```conclab\necho\n", 8, "not closed"),
        ("bad check", "---\nid: x\ntitle: t\ntopic: t\nminutes: 2\n---\n## s\n```conclab\necho\n```\n```check\nlost >\n```\n", 12, "bad check 'lost >'"),
        ("check before commands", "---\nid: x\ntitle: t\ntopic: t\nminutes: 2\n---\n## s\n```check\nx > 1\n```\n", 8, "needs a ```conclab block"),
        ("block outside a step", "---\nid: x\ntitle: t\ntopic: t\nminutes: 2\n---\n```conclab\necho\n```\n", 7, "inside a '## ' step"),
        ("bad regex", "---\nid: x\ntitle: t\ntopic: t\nminutes: 2\n---\n## s\n```conclab\necho\n```\n```output\n([ (re)\n```\n", 12, "bad regular expression"),
        ("no steps", "---\nid: x\ntitle: t\ntopic: t\nminutes: 2\n---\njust prose\n", 8, "at least one '## ' step"),
        ("bad goal", "---\nid: x\ntitle: t\ntopic: t\nminutes: 2\n---\n## s\n```conclab\necho\n```\n```goal\nx ==\n```\n", 12, "bad goal 'x =='"),
        ("goal before commands", "---\nid: x\ntitle: t\ntopic: t\nminutes: 2\n---\n## s\n```goal\nx > 1\n```\n", 8, "a ```goal block needs a ```conclab block"),
        ("empty goal", "---\nid: x\ntitle: t\ntopic: t\nminutes: 2\n---\n## s\n```conclab\necho\n```\n```goal\n```\n", 11, "empty ```goal block"),
    ])
    func reportsMalformedLabs(name: String, text: String, line: Int, reason: String) {
        do {
            _ = try LabParser.parse(text, path: "Labs/en/bad.md")
            Issue.record("\(name): parsed without error")
        } catch {
            expectEqual(error.line, line, "\(name): \(error)")
            #expect(error.reason.contains(reason), "\(name): \(error)")
            #expect(error.description.hasPrefix("Labs/en/bad.md:\(line): "))
        }
    }
}

@Suite("Lab replay", .serialized)
struct LabReplayTests {
    private func lab(_ body: String, id: String = "t") throws -> Lab {
        try LabParser.parse("---\nid: \(id)\ntitle: T\ntopic: shell\nminutes: 1\n---\n" + body, path: "Labs/en/\(id).md")
    }

    @Test func aPassingLabPasses() throws {
        var transcript: [String] = []
        let report = LabReplayer.replay(try lab(goodLab.split(separator: "---\n", maxSplits: 2).last.map(String.init) ?? "")) { transcript.append($0) }
        expectEqual(report.status, .passed, "\(transcript.joined(separator: "\n"))")
        expectEqual(report.checkCount, 2)
        #expect(transcript.contains("conclab> echo hello"))
        #expect(transcript.contains { $0.contains("✓ text == \"hello\"") })
    }

    @Test func aFalseCheckFailsAndNamesTheStepAndValue() throws {
        var transcript: [String] = []
        let report = LabReplayer.replay(try lab("## Count\n```conclab\necho 5\n```\n```check\ntext == \"6\"\n```\n")) { transcript.append($0) }
        expectEqual(report.status, .failed)
        expectEqual(report.failedCount, 1)
        expectEqual(report.steps[0].checks[0].detail, "text = \"5\"")
        expectEqual(transcript.last?.contains("step 1 'Count'"), true)
    }

    @Test func aGoalPassesWhenAnyResultOfItsCommandsReachesIt() throws {
        var transcript: [String] = []
        let body = "## Any\n```conclab\necho 6\necho 7\necho 8\n```\n```goal\ntext == \"7\"\n```\n```conclab\necho 9\n```\n```check\ntext == \"9\"\n```\n"
        let report = LabReplayer.replay(try lab(body)) { transcript.append($0) }
        expectEqual(report.status, .passed, "\(transcript)")
        #expect(transcript.contains("  goal reached by 'echo 7':"))
        expectEqual(report.checkCount, 2)
    }

    @Test func aGoalNoResultReachesFails() throws {
        var transcript: [String] = []
        // `echo 7` comes after the check block: it is not in the goal's segment.
        let body = "## None\n```conclab\necho 6\n```\n```check\ntext == \"6\"\n```\n```conclab\necho 8\n```\n```goal\ntext == \"6\"\n```\n"
        let report = LabReplayer.replay(try lab(body)) { transcript.append($0) }
        expectEqual(report.status, .failed)
        #expect(transcript.contains("  goal not reached by any of the step's commands:"))
        #expect(transcript.contains { $0.hasPrefix("  ✗ text == \"6\"") })
    }

    @Test func lintTellsAGoalFromACheck() throws {
        let en = try LabParser.parse("---\nid: x\ntitle: t\ntopic: t\nminutes: 2\n---\n## s\n```conclab\necho\n```\n```goal\ntext == \"\"\n```\n",
                                     path: "Labs/en/x.md")
        let ru = try LabParser.parse("---\nid: x\ntitle: t\ntopic: t\nminutes: 2\n---\n## s\n```conclab\necho\n```\n```check\ntext == \"\"\n```\n",
                                     path: "Labs/ru/x.md")
        expectEqual(LabLinter.differences(en, ru).map(\.reason), ["step 's' checks differ from its twin in Labs/en/x.md"])
        #expect(LabLinter.differences(en, en).isEmpty)
    }

    @Test func aFailedCommandFailsItsStep() throws {
        let report = LabReplayer.replay(try lab("## Bad\n```conclab\nsleep nonsense\n```\n```check\nslept_ms > 0\n```\n")) { _ in }
        expectEqual(report.status, .failed)
        expectEqual(report.steps[0].problems.first?.contains("failed"), true)
    }

    @Test func missingOutputFails() throws {
        let report = LabReplayer.replay(try lab("## Out\n```conclab\necho abc\n```\n```output\nxyz\n```\n")) { _ in }
        expectEqual(report.status, .failed)
    }

    @Test func unmetRequirementSkips() throws {
        let text = "---\nid: s\ntitle: T\ntopic: shell\nminutes: 1\nrequires: no-such-program-conclab\n---\n## A\n```conclab\necho\n```\n"
        let report = LabReplayer.replay(try LabParser.parse(text, path: "Labs/en/s.md")) { _ in }
        expectEqual(report.status, .skipped)
        expectEqual(report.skipReason?.contains("no-such-program-conclab"), true)
    }

    /// A hostile lab: writing outside its scratch folder, climbing out with '..', starting another lab,
    /// and a shell fence. Every attempt must be stopped and fail its step; the shell fence never runs.
    @Test func aHostileLabIsConfined() throws {
        let marker = "/tmp/conclab-hostile-\(System.processID)"
        Files.remove(marker)
        let hostile = """
        ## Write outside
        ```conclab
        record start \(marker)
        ```
        ## Climb out
        ```conclab
        record start ../../escape.txt
        ```
        ## Start another lab
        ```conclab
        lab start tour
        ```
        ## Run a shell
        ```sh
        touch \(marker)
        ```
        ```conclab
        echo still-here
        ```
        ## Write inside
        ```conclab
        record start inside.conclab
        record stop
        ```
        ```check
        commands == 0
        ```
        """
        var transcript: [String] = []
        let report = LabReplayer.replay(try lab(hostile, id: "hostile")) { transcript.append($0) }
        expectEqual(report.status, .failed)
        expectEqual(report.steps.map(\.passed), [false, false, false, true, true], "\(transcript.joined(separator: "\n"))")
        expectEqual(report.steps[0].problems.first?.contains("scratch folder"), true)
        expectEqual(report.steps[1].problems.first?.contains("'..'"), true)
        expectEqual(report.steps[2].problems.first?.contains("replayed lab"), true)
        #expect(!Files.exists(marker))
        #expect(!Files.exists("/tmp/escape.txt"))
    }

    /// The escape an audit found: a generator's frame leads to the module's globals, `os` among them. Filtering
    /// words cannot stop that, so a replay does not run the real python3 at all; conclab's own Python has no `os`.
    @Test func aReplayedLabRunsNoRealPython() throws {
        let marker = "/tmp/conclab-python-escape-\(System.processID)"
        defer { Files.removeTree(marker) }
        // Outside a replay this snippet does reach os.system through the frames (checked by hand).
        let escape = "def g():\\n    f = it.gi_frame\\n    while f is not None:\\n        if \"os\" in f.f_globals:\\n            f.f_globals[\"os\"].system(\"touch \(marker)\")\\n            break\\n        f = f.f_back\\n    yield 1\\ntry:\\n    it = g()\\n    next(it)\\nexcept Exception:\\n    pass"
        let hostile = """
        ## Escape through CPython
        ```conclab
        compare --cpython '\(escape)'
        ```
        ```check
        cpython == "skipped"
        ```
        ## Read a secret
        ```conclab
        fd open /etc/passwd
        ```
        ## Read one through Python
        ```conclab
        py --file /etc/passwd
        ```
        ## Lines of a secret
        ```conclab
        gen lines /etc/passwd
        ```
        """
        var transcript: [String] = []
        let report = LabReplayer.replay(try lab(hostile, id: "hostile-python")) { transcript.append($0) }
        let text = transcript.joined(separator: "\n")
        expectEqual(report.steps.map(\.passed), [true, false, false, false], "\(text)")
        for step in report.steps.dropFirst() {
            expectEqual(step.problems.first?.contains("may only read inside its scratch folder"), true, "\(step.problems)")
        }
        #expect(text.contains("does not run the real python3"))
        #expect(!text.contains("root:"))
        #expect(!Files.exists(marker))
    }
}

@Suite("Lab progress")
struct LabProgressTests {
    @Test func roundTripsThroughProgressJSON() throws {
        let dir = try Files.makeTemporaryDirectory(prefix: "conclab-progress-test")
        defer { Files.removeTree(dir) }
        var progress = LabProgress()
        progress.labs["tour"] = LabProgress.Entry(stepsDone: [1, 3], current: 3)
        progress.labs["race"] = LabProgress.Entry(stepsDone: [], current: 1)
        try progress.save(to: dir)
        expectEqual(LabProgress.load(from: dir), progress)
        #expect(!Files.exists(dir + "/progress.json.tmp.\(System.processID)"))
    }

    @Test func aDamagedFileGivesEmptyProgress() throws {
        let dir = try Files.makeTemporaryDirectory(prefix: "conclab-progress-test")
        defer { Files.removeTree(dir) }
        try Files.writeAtomically(dir + "/progress.json", "{not json")
        expectEqual(LabProgress.load(from: dir), LabProgress())
    }

    @Test func jsonReaderReadsWhatTheRendererWrites() throws {
        let record = Record([("a", .int(1)), ("b", .string("x\"y\n")), ("c", .list([.bool(true), .null, .double(1.5)]))])
        let parsed = try JSONReader.parse(JSONRenderer.object(record))
        expectEqual(parsed, .record(record))
    }
}

@Suite("Guided lab in a session")
struct LabGuideTests {
    @Test func stepPassesAfterItsCommandAndProgressIsSaved() throws {
        let dir = try Files.makeTemporaryDirectory(prefix: "conclab-guide-test")
        defer { Files.removeTree(dir) }
        try Files.makeDirectories(dir + "/Labs/en")
        try Files.writeAtomically(dir + "/Labs/en/00-sample.md", goodLab)
        let session = Session(environment: SessionEnvironment(labsDirectory: dir + "/Labs", stateDirectory: dir + "/state"))
        #expect(session.execute("lab start sam").succeeded)
        expectEqual(LabGuide.promptPrefix(session), "[sample 1/2] ")
        expectEqual(session.complete("ec").candidates, ["echo hello"])
        let wrong = session.execute("echo bye")
        #expect(wrong.notes.contains { $0.text.contains("✗ text == \"hello\"") && $0.text.contains("text = \"bye\"") })
        let right = session.execute("echo hello")
        #expect(right.notes.contains { $0.text.contains("Step 1 done") })
        expectEqual(LabProgress.load(from: dir + "/state").labs["sample"]?.stepsDone, [1])
        #expect(session.execute("lab next").succeeded)
        expectEqual(LabGuide.promptPrefix(session), "[sample 2/2] ")
        #expect(session.execute("lab stop").succeeded)
        expectEqual(LabGuide.promptPrefix(session), "")
        // A new session resumes at the first step not done.
        let again = Session(environment: SessionEnvironment(labsDirectory: dir + "/Labs", stateDirectory: dir + "/state"))
        #expect(again.execute("lab start sample").succeeded)
        expectEqual(LabGuide.promptPrefix(again), "[sample 2/2] ")
        expectEqual(again.execute("lab list").result.fields["rows"].map { "\($0)" }?.contains("1 of 2 steps"), true)
    }

    @Test func labCommandsNeedAnActiveLab() {
        let session = Session()
        let outcome = session.execute("lab next")
        expectEqual(outcome.failure?.message.contains("No lab is active"), true)
    }
}
