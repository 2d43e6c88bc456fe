import Testing
import TestSupport
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide
import LabOS

/// ```predict blocks: parsed and refused like checks, asked before the measuring command in guided mode (whose checks
/// stay hidden until then), compared after it and kept in `lab status`'s tally; replay predicts the lab's own answer.
@Suite(.serialized) struct LabPredictionTests {
    static func lab(answer: String = "b", number: String = "3") -> String {
        """
        ---
        id: guess
        title: Guess
        topic: shell
        minutes: 1
        ---
        ## How many
        Say how many values a range of three gives.
        ```conclab
        gen range 0 3 --name nums
        ```
        ```predict
        number: count
        answer: \(number)
        ```
        ```conclab
        gen list nums
        ```
        ```check
        count == 3
        ```

        ## Which
        ```conclab
        gen range 0 3 --name again
        iter again --name it
        next it
        ```
        Then ask once more.
        ```predict
        choice a: value == 0
        choice b: value == 1
        answer: \(answer)
        ```
        ```conclab
        next it
        ```
        """
    }

    private func session(_ text: String = lab()) throws -> (Session, String) { try sessionWithLab(text, file: "01-guess.md") }

    @Test(arguments: [
        ("number: count\nanswer: x", "must be a number"),
        ("choice a: value == 0\nchoice b: value == 1\nanswer: c", "none of the choices"),
        ("choice a: value == 0\nanswer: a", "at least two"),
        ("number: count", "needs 'answer: VALUE'"),
        ("number: count +\nanswer: 1", "bad predict expression"),
        ("guess: count\nanswer: 1", "unknown ```predict line"),
    ])
    func badBlocksAreRefusedWithTheirLine(block: String, reason: String) {
        let text = "---\nid: p\ntitle: P\ntopic: shell\nminutes: 1\n---\n## S\n```conclab\necho 1\n```\n```predict\n\(block)\n```\n```conclab\necho 2\n```\n"
        #expect(throws: LabFileError.self) { try LabParser.parse(text, path: "Labs/en/p.md") }
        do { _ = try LabParser.parse(text, path: "Labs/en/p.md") } catch {
            #expect(error.reason.contains(reason), "\(error)")
            #expect(error.line >= 11, "\(error)")
        }
    }

    @Test func aPredictionNeedsACommandAfterIt() {
        let text = "---\nid: p\ntitle: P\ntopic: shell\nminutes: 1\n---\n## S\n```conclab\necho 1\n```\n```predict\nword: text\nanswer: 1\n```\n"
        do {
            _ = try LabParser.parse(text, path: "Labs/en/p.md")
            Issue.record("a prediction with no command after it was accepted")
        } catch {
            #expect(error.reason.contains("after it"), "\(error)")
        }
    }

    @Test func theBlockIsReadWithItsMeasuringCommand() throws {
        let lab = try LabParser.parse(Self.lab(), path: "Labs/en/01-guess.md")
        let first = try #require(lab.steps[0].prediction)
        #expect(first.kind == .number && first.expression == "count" && first.answer == "3" && first.commandIndex == 1)
        let second = try #require(lab.steps[1].prediction)
        #expect(second.kind == .choice && second.options.map(\.label) == ["a", "b"] && second.commandIndex == 3)
    }

    @Test func guidedModeHidesChecksAsksFirstAndKeepsTheTally() throws {
        let (session, dir) = try session()
        defer { Files.removeTree(dir); session.shutdown() }
        let start = session.execute("lab start guess")
        #expect(start.succeeded)
        // The answer is not given away before anything ran; the prediction is asked for where the file puts it.
        #expect(!start.text.contains("count == 3"), "\(start.text)")
        #expect(start.text.contains("lab predict NUMBER"), "\(start.text)")
        #expect(start.text.contains("Say how many values"))
        // Prose written between commands appears between them.
        #expect(session.execute("lab step 2").text.range(of: "iter again --name it")!.lowerBound
                < session.execute("lab step 2").text.range(of: "Then ask once more.")!.lowerBound)
        #expect(session.execute("lab step 1").succeeded)
        expectEqual(session.execute("lab predict many").failure?.message.contains("not a number"), true)
        #expect(session.execute("gen range 0 3 --name nums").succeeded)
        #expect(session.execute("lab predict 5").succeeded)
        // A second prediction before the measurement replaces the first.
        let recorded = session.execute("lab predict 3")
        #expect(recorded.text.contains("Prediction recorded: 3. Now run 'gen list nums'"), "\(recorded.text)")
        let measured = session.execute("gen list nums").notes.map(\.text)
        #expect(measured.contains { $0.contains("You predicted 3; measured: 3 (right)") }, "\(measured)")
        #expect(measured.contains { $0.contains("✓ count == 3") })
        // After the figure is on screen, a prediction would not be one.
        expectEqual(session.execute("lab predict 3").failure?.message.contains("already on screen"), true)
        #expect(session.execute("lab next").succeeded)
        expectEqual(session.execute("lab predict c").failure?.message.contains("not one of the choices: a, b"), true)
        #expect(session.execute("lab predict a").succeeded)
        #expect(session.execute("gen range 0 3 --name again").succeeded)
        #expect(session.execute("iter again --name it").succeeded)
        // The first `next it` is not the measuring command: the second is.
        #expect(!session.execute("next it").notes.contains { $0.text.contains("◇") })
        #expect(session.execute("next it").notes.contains { $0.text.contains("You predicted a; measured: b (not this time)") })
        let status = session.execute("lab status").result.fields
        expectEqual(status["predictions"], .int(2))
        expectEqual(status["predictions_close"], .int(1))
        // The tally is kept with the progress.
        let saved = LabProgress.load(from: dir + "/state").labs["guess"]?.predictions ?? []
        #expect(saved.map(\.predicted) == ["3", "a"] && saved.map(\.good) == [true, false])
    }

    @Test func aCommandRunWithoutAPredictionShowsTheFigureOnly() throws {
        let (session, dir) = try session()
        defer { Files.removeTree(dir); session.shutdown() }
        #expect(session.execute("lab start guess").succeeded)
        #expect(session.execute("gen range 0 3 --name nums").succeeded)
        let notes = session.execute("gen list nums").notes.map(\.text)
        #expect(notes.contains { $0.contains("Measured: 3. You made no prediction") }, "\(notes)")
        #expect(!notes.contains { $0.contains("✗") })
        expectEqual(session.execute("lab status").result.fields["predictions"], .int(0))
    }

    @Test func replayPredictsTheLabsOwnAnswerAndAWrongChoiceFails() throws {
                let right = LabReplayer.replay(try LabParser.parse(Self.lab(), path: "Labs/en/01-guess.md")) { _ in }
        expectEqual(right.status, .passed)
        var lines: [String] = []
        let wrong = LabReplayer.replay(try LabParser.parse(Self.lab(answer: "a", number: "30"), path: "Labs/en/01-guess.md")) { lines.append($0) }
        expectEqual(wrong.status, .failed)
        #expect(lines.contains { $0.contains("✗ prediction: a") && $0.contains("measured: b") }, "\(lines)")
        // A figure is only shown: machines differ.
        #expect(lines.contains { $0.contains("prediction (the lab's answer): 30; measured: 3 (off by a factor of about 10)") }, "\(lines)")
    }

    @Test func lintComparesTheTwinsPredictions() throws {
        let dir = try Files.makeTemporaryDirectory(prefix: "conclab-predict-lint")
        defer { Files.removeTree(dir) }
        try Files.makeDirectories(dir + "/en")
        try Files.makeDirectories(dir + "/ru")
        try Files.writeAtomically(dir + "/en/01-guess.md", Self.lab())
        try Files.writeAtomically(dir + "/ru/01-guess.md", Self.lab(number: "4"))
        let errors = LabLinter.lint([dir])
        #expect(errors.contains { $0.reason.contains("predicts differently") }, "\(errors)")
    }

    @Test(arguments: [("3.5", 3.0, PredictionVerdict.close), ("3", 3.0, .right), ("4", 3.0, .sameOrder), ("40", 8.0, .off(factor: 5)),
                      ("1_000", 1000.0, .right), ("~40", 40.4, .close), ("0", 3.0, .off(factor: 0))])
    func numbersAreJudgedByHowFarOff(predicted: String, measured: Double, verdict: PredictionVerdict) {
        expectEqual(PredictionJudge.verdict(predicted, .init(text: "", number: measured), kind: .number), verdict)
    }
}

/// Markdown in a lab's prose shows as styles, without its markers.
@Suite struct LabProseTests {
    @Test func markersBecomeStyles() {
        let spans = LabProse.spans("Use `next it` and **never** *this*; a_b stays.\n- one\n```python\nx = 1\n```\nend")
        expectEqual(spans.plainText, "Use next it and never this; a_b stays.\n  • one\n    x = 1\nend")
        #expect(spans.contains { $0.text == "next it" && $0.style == "36" })
        #expect(spans.contains { $0.text == "never" && $0.style == "1" })
        #expect(spans.contains { $0.text == "this" && $0.style == "3" })
        #expect(spans.contains { $0.text == "    x = 1" && $0.style == "36" })
    }

    @Test func anUnclosedMarkerIsText() {
        expectEqual(LabProse.spans("2 * 3 and `open").plainText, "2 * 3 and `open")
    }
}

extension String {
    func trimmingSuffix(_ characters: String) -> String {
        var s = self
        while let last = s.last, characters.contains(last) { s.removeLast() }
        return s
    }
}

/// A Russian session's guide speaks Russian: everything `lab` prints and every note under a command, for the Russian
/// labs followed step by step, holds no English sentence outside commands, conditions, field values and code.
@Suite(.serialized) struct RussianInterfaceTests {
    /// Three or more Latin words in a row, outside what may stay English.
    static func englishSentence(in line: String, commands: Set<String>, names: Set<String>, conditions: Set<String> = []) -> String? {
        // Check outcomes (a condition and the values it read) and code stay as written.
        if line.hasPrefix("  ✓ ") || line.hasPrefix("  ✗ ") || line.hasPrefix("    ") { return nil }
        if line.hasPrefix("✓ ") || line.hasPrefix("✗ "), conditions.contains(where: { line.dropFirst(2).hasPrefix($0) }) { return nil }
        // So do commands and the names of objects, wherever the guide mentions them.
        var rest = line
        for command in commands.sorted(by: { $0.count > $1.count }) {
            while let range = rest.range(of: command) { rest.replaceSubrange(range, with: " ") }
        }
        rest = rest.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            .map { names.contains($0.trimmingSuffix(",.;:")) ? "·" : $0 }.joined(separator: " ")
        var text = ""
        var quote: Character?
        for c in rest {
            if let q = quote {
                if c == q { quote = nil }
                continue
            }
            if c == "`" || c == "'" || c == "\"" { quote = c; continue }
            text.append(c)
        }
        // Digits and punctuation neither make nor break a run; a word in another script does.
        var run: [String] = []
        var longest: [String] = []
        var word = ""
        func endWord() {
            defer { word = "" }
            guard !word.isEmpty, !word.allSatisfy(\.isNumber) else { return }
            if word.contains("-") && word.allSatisfy({ $0.isASCII }) { return }
            if word.count >= 2 && word.allSatisfy({ $0.isASCII && $0.isLetter }) {
                run.append(word)
                if run.count > longest.count { longest = run }
            } else {
                run = []
            }
        }
        for c in text {
            // A hyphenated term (close-on-exec, iterators-generators) is one word.
            if c.isLetter || c.isNumber || c == "_" || (c == "-" && !word.isEmpty) { word.append(c) } else { endWord() }
        }
        endWord()
        return longest.count >= 3 ? longest.joined(separator: " ") : nil
    }

    @Test func theDetectorFindsTheEnglishGuide() {
        let english = [GuideStrings.en.stepDone(1), GuideStrings.en.noActiveLab, GuideStrings.en.predictionRecorded("3", "gen list nums"),
                       GuideStrings.en.leftLab("tour"), GuideStrings.en.predictFirst(.number, [])]
        for line in english { #expect(Self.englishSentence(in: line, commands: ["gen list nums"], names: []) != nil, "\(line)") }
        let russian = [GuideStrings.ru.stepDone(1), GuideStrings.ru.noActiveLab, GuideStrings.ru.predictionRecorded("3", "gen list nums"),
                       GuideStrings.ru.leftLab("tour"), GuideStrings.ru.predictFirst(.number, [])]
        for line in russian { #expect(Self.englishSentence(in: line, commands: ["gen list nums"], names: []) == nil, "\(line)") }
    }

    /// A folder holding `Labs/en` and `Labs/ru` with the same one-step lab `id` (the step's blocks are `body`).
    static func oneLabFolder(_ id: String, _ body: String) throws -> String {
        let lab = "---\nid: \(id)\ntitle: Проба\ntopic: shell\nminutes: 1\n---\n## Список\n\n" + body
        let dir = try Files.makeTemporaryDirectory(prefix: "conclab-ru-\(id)")
        for language in ["en", "ru"] {
            try Files.makeDirectories(dir + "/Labs/" + language)
            try Files.writeAtomically(dir + "/Labs/\(language)/01-\(id).md", lab)
        }
        return dir
    }

    /// A check that names a field the result lacks (the learner ran another command of the step's kind, or the lab
    /// has a typo) is said in the lab's language, in the note under the command and in `lab check`.
    @Test func aFieldTheResultLacksIsSaidInTheLabsLanguage() throws {
        let dir = try Self.oneLabFolder("missing-field", "```conclab\nls\n```\n\n```check\ncuont == 0\n```\n")
        defer { Files.removeTree(dir) }
        for (language, said, notSaid) in [(LabLanguage.ru, "в этом результате нет поля 'cuont'; может быть, 'count'?", "unknown name"),
                                          (.en, "unknown name 'cuont'; did you mean 'count'?", "нет поля")] {
            let session = Session(settings: Settings(language: language),
                                  environment: SessionEnvironment(labsDirectory: dir + "/Labs", stateDirectory: dir + "/state-\(language)"))
            defer { session.shutdown() }
            #expect(session.execute("lab start missing-field").succeeded)
            let notes = session.execute("ls").notes.map(\.text)
            #expect(notes.contains { $0.contains("✗ cuont == 0") && $0.contains(said) }, "\(notes)")
            #expect(!notes.contains { $0.contains(notSaid) }, "\(notes)")
            let check = session.execute("lab check").text
            #expect(check.contains(said) && !check.contains(notSaid), "\(check)")
        }
    }

    /// The other errors a check meets on a result of another shape (a row not there, a field a value lacks, a string
    /// compared with a number) are said in Russian too, from their facts, not in the evaluator's English.
    @Test func aResultOfAnotherShapeIsSaidInTheLabsLanguage() throws {
        let dir = try Self.oneLabFolder("other-shape", """
            ```predict
            choice a: rows[3].handle == "x"
            choice b: count == 0
            answer: b
            ```

            ```conclab
            ls
            ```

            ```check
            rows[3].handle == "x"
            ```

            ```conclab
            echo hi
            ```

            ```check
            text.size == 1
            text < 1
            ```

            """)
        defer { Files.removeTree(dir) }
        let said: [LabLanguage: [String]] = [
            .ru: ["нет элемента [3]: их всего 0, счёт с 0", "у значения типа «строка» нет поля 'size'",
                  "нельзя сравнить «строка» с «целое число» (<)"],
            .en: ["index 3 out of range (length 0)", "a string has no field 'size'", "cannot compare a string with an int using <"],
        ]
        for language in [LabLanguage.ru, .en] {
            let session = Session(settings: Settings(language: language),
                                  environment: SessionEnvironment(labsDirectory: dir + "/Labs", stateDirectory: dir + "/state-\(language)"))
            defer { session.shutdown() }
            #expect(session.execute("lab start other-shape").succeeded)
            #expect(session.execute("lab predict a").succeeded)
            let notes = (session.execute("ls").notes + session.execute("echo hi").notes).map(\.text).joined(separator: "\n")
            for phrase in said[language] ?? [] { #expect(notes.contains(phrase), "\(language): \(phrase) in \(notes)") }
            // The prediction's figure could not be read either: said the same way (once in the note on the prediction).
            #expect(notes.components(separatedBy: said[language]?.first ?? "").count > 2, "\(notes)")
            if language == .ru {
                #expect(!notes.contains("out of range") && !notes.contains("has no field") && !notes.contains("cannot compare"), "\(notes)")
            }
        }
    }

    /// `run`: whether the lab's commands run too (the descriptor lab's write files into the working folder: it is read only).
    @Test(arguments: [("tour", true), ("iterators-generators", true), ("file-descriptors", false), ("gil", false), ("race-conditions", false),
                      ("deadlocks", false), ("processes", false), ("ipc", true), ("processes-vs-threads", false), ("io", false)])
    func theGuideSpeaksRussian(id: String, run: Bool) throws {
        let state = try Files.makeTemporaryDirectory(prefix: "conclab-ru-guide")
        defer { Files.removeTree(state) }
        let session = Session(settings: Settings(language: .ru),
                              environment: SessionEnvironment(labsDirectory: Repository.root + "/Labs", stateDirectory: state))
        defer { session.shutdown() }
        let (labs, _) = LabCatalog.load(labsDirectory: Repository.root + "/Labs", language: .ru)
        let lab = try #require(labs.first { $0.id == id })
        // A fix-it step writes its file into the working folder: take away what this test made there.
        let handedOut = lab.steps.flatMap(\.files).map(\.name).filter { !Files.exists($0) }
        defer { for name in handedOut { Files.remove(name) } }
        // Every command of the lab, the names it gives (as whole words) and the lab's code: what may stay English.
        let all = lab.steps.flatMap { $0.commands.map(\.text) }
        let conditions = Set(lab.steps.flatMap { $0.checkGroups.flatMap { $0.checks.map(\.text) } })
        let names = all.flatMap { command -> [String] in
            let words = command.split(separator: " ").map(String.init)
            return words.indices.dropLast().filter { words[$0] == "--name" }.map { words[$0 + 1] }
        }
        var shown: [(String, Set<String>)] = []
        func guide(_ line: String, _ commands: Set<String>) {
            let outcome = session.execute(line)
            var text = outcome.failure?.message ?? outcome.text
            // Code and commands inside the lab's prose are styled as code: what is left is the prose itself.
            if case .prose(let spans) = outcome.result { text = spans.filter { $0.style != "36" }.plainText }
            // A record's field names stay English: its title and its text values are what the guide says.
            if case .record(let record) = outcome.result {
                text = ([record.title ?? ""] + record.fields.compactMap { if case .string(let v) = $0.1 { return v } else { return nil } })
                    .joined(separator: "\n")
            }
            shown.append((text, commands))
        }
        guide("lab next", [])
        guide("lab start \(id)", Set(lab.steps[0].commands.map(\.text)))
        for (index, step) in lab.steps.enumerated() {
            let commands = Set(step.commands.map(\.text))
            guide("lab step \(index + 1)", commands)
            guide("lab hint", commands)
            guide("lab predict", commands)
            // Heavy steps (those that ask replay for more time) are read, not run.
            guard run, step.requires.isEmpty else { continue }
            for (i, command) in step.commands.enumerated() {
                if let p = step.prediction, p.commandIndex == i { guide("lab predict \(p.answer)", commands) }
                let outcome = session.execute(command.text)
                shown.append((outcome.notes.map(\.text).joined(separator: "\n"), commands))
            }
            guide("lab check", commands)
            guide("lab status", commands)
        }
        guide("lab step 99", [])
        guide("lab stop", [])
        guide("lab start nosuchlab", [])
        var found: [String] = []
        for (text, _) in shown {
            for line in text.split(separator: "\n").map(String.init) {
                if let sentence = Self.englishSentence(in: line, commands: Set(all), names: Set(names), conditions: conditions) {
                    found.append("\(sentence)  ⟵  \(line)")
                }
            }
        }
        #expect(found.isEmpty, "English in the Russian guide of \(id):\n\(found.joined(separator: "\n"))")
    }
}

/// Fix-it steps: a ```file the guide hands out (never over a file already there), a ```solution replay runs, and
/// hints shown one more at a time, from the likeliest mistake to the answer.
@Suite(.serialized) struct LabFixItTests {
    static func lab(solution: String = "x = 2") -> String {
        """
        ---
        id: fixit
        title: Fix it
        topic: shell
        minutes: 1
        ---
        ## Make x two
        ```file fixit_probe.py
        x = 1
        ```
        ```solution fixit_probe.py
        \(solution)
        ```
        ```conclab
        py --file fixit_probe.py
        py x
        ```
        ```goal
        value == 2
        ```
        ```hint
        First hint.
        ```
        ```hint
        Second hint.
        ```
        """
    }

    @Test func replayRunsTheLabsFixAndAWrongFixFails() throws {
        expectEqual(LabReplayer.replay(try LabParser.parse(Self.lab(), path: "Labs/en/01-fixit.md")) { _ in }.status, .passed)
        expectEqual(LabReplayer.replay(try LabParser.parse(Self.lab(solution: "x = 3"), path: "Labs/en/01-fixit.md")) { _ in }.status, .failed)
    }

    @Test(arguments: [
        ("```file ../x.py\nx\n```\n", "not a plain file name"),
        ("```file a.py\nx\n```\n```conclab\necho 1\n```\n```goal\ntext == \"1\"\n```\n", "needs a ```solution a.py"),
        ("```solution a.py\nx\n```\n```conclab\necho 1\n```\n", "needs the ```file a.py"),
        ("```file a.py\nx\n```\n```solution a.py\ny\n```\n```conclab\necho 1\n```\n", "needs a ```goal"),
    ])
    func malformedFixItsAreRefused(body: String, reason: String) {
        let text = "---\nid: f\ntitle: F\ntopic: shell\nminutes: 1\n---\n## S\n" + body + "```conclab\necho 2\n```\n"
        do {
            _ = try LabParser.parse(text, path: "Labs/en/f.md")
            Issue.record("accepted: \(body)")
        } catch {
            #expect(error.reason.contains(reason), "\(error)")
        }
    }

    @Test func theGuideHandsOutTheFileOnceAndStagesTheHints() throws {
        let name = "fixit_probe.py"
        #expect(!Files.exists(name), "a file \(name) is in the way in the working folder")
        let (session, dir) = try sessionWithLab(Self.lab(), file: "01-fixit.md")
        defer { Files.removeTree(dir); session.shutdown(); Files.remove(name) }
        let start = session.execute("lab start fixit").text
        #expect(start.contains("✎ Wrote \(name)"), "\(start)")
        #expect(try Files.readText(name) == "x = 1\n")
        // The unfixed file does not reach the goal: no ✗, and no step done.
        #expect(session.execute("py --file \(name)").notes.isEmpty)
        let unfixed = session.execute("py x").notes.map(\.text)
        #expect(unfixed.contains { $0.contains("goal not reached yet") } && !unfixed.contains { $0.contains("✗") }, "\(unfixed)")
        #expect(session.execute("lab hint").text.contains("First hint.\n\n(hint 1 of 2"))
        let both = session.execute("lab hint").text
        #expect(both.contains("First hint.") && both.contains("Second hint.") && !both.contains("hint 2 of 2"), "\(both)")
        // The learner's edit is kept when the step is shown again.
        try Files.writeAtomically(name, "x = 2\n")
        #expect(session.execute("lab step 1").text.contains("is already there"))
        #expect(try Files.readText(name) == "x = 2\n")
        #expect(session.execute("py --file \(name)").succeeded)
        #expect(session.execute("py x").notes.contains { $0.text.contains("Step 1 done") })
    }
}

/// A lab's prose wraps at the terminal's width with its styles, and JSON sees its plain text.
@Suite struct ProseRenderingTests {
    @Test func proseWrapsAtSpacesAndKeepsItsStyles() {
        let spans = LabProse.spans("Call `next it` to pull one value from the iterator named it.\n- a list item that is long enough to wrap")
        let shown = HumanRenderer(color: false, width: 24).render(.prose(spans)).split(separator: "\n").map(String.init)
        #expect(shown.allSatisfy { Format.width($0) <= 24 }, "\(shown)")
        expectEqual(shown.joined(separator: " ").split(separator: " "), spans.plainText.split(whereSeparator: { $0 == " " || $0 == "\n" }))
        // A list item's continuation lines start under its text.
        #expect(shown.contains { $0.hasPrefix("  • a list") } && shown.last?.hasPrefix("    ") == true, "\(shown)")
        let coloured = HumanRenderer(color: true, width: 24).render(.prose(spans))
        #expect(coloured.contains("\u{1B}[36mnext\u{1B}[0m \u{1B}[36mit\u{1B}[0m") || coloured.contains("\u{1B}[36mnext"), "\(coloured)")
        #expect(JSONRenderer.render(.prose(spans)).contains("\"type\":\"text\""))
    }
}

/// The figures the labs' corrections quote, measured here: CPython's list (tracemalloc), the growth of its
/// capacity, and a pipe's buffer. Where python3 is missing the CPython figures are only reported skipped.
@Suite(.serialized) struct CorrectionFigureTests {
    @Test func cpythonsListCostsAboutFortyBytesAnItemAndGrowsByAnEighth() throws {
        let session = Session()
        defer { session.shutdown() }
        let measured = session.execute("list cpython 200000")
        #expect(measured.succeeded, "\(measured.failure?.message ?? "")")
        let fields = measured.result.fields
        guard fields["cpython"] == .string("ran") else {
            expectEqual(Files.findExecutable("python3"), nil, "python3 is installed but was not run: \(fields)")
            return
        }
        // An 8-byte pointer and a 32-byte int object per item (squares above 256 are not cached).
        let perItem = try #require(fields["list_bytes_per_item"]?.number)
        #expect(perItem > 36 && perItem < 44, "\(perItem) B an item")
        #expect((fields["generator_peak_bytes"]?.number ?? .infinity) < 10_000)
        // Capacities grow by about an eighth, not by doubling: 4, 8, 16, 24, 32, 40, 52, 64 …
        guard case .list(let capacities)? = fields["capacities"] else { Issue.record("no capacities: \(fields)"); return }
        let sizes = capacities.compactMap(\.number)
        expectEqual(Array(sizes.prefix(7)), [4, 8, 16, 24, 32, 40, 52], "\(sizes)")
        for (a, b) in zip(sizes.dropFirst(4), sizes.dropFirst(5)) { #expect(b / a < 1.5, "\(a) → \(b) is not an eighth or so") }
    }

    @Test func aReplayedLabDoesNotRunPython() throws {
        let scratch = try Files.makeTemporaryDirectory(prefix: "conclab-cpython-skip")
        defer { Files.removeTree(scratch) }
        let session = Session(sandbox: Sandbox(scratchDirectory: scratch))
        defer { session.shutdown() }
        let fields = session.execute("list cpython").result.fields
        expectEqual(fields["cpython"], .string("skipped"))
        expectEqual(fields["list_bytes_per_item"], .null)
    }

    @Test func aPipeHoldsSixtyFourKibibytes() {
        // Linux's default pipe buffer: 16 pages of 4 KiB (pipe(7)); what lab 07's prediction answers.
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute("pipe new --name full").succeeded)
        let send = session.execute("send full --size 100000 --timeout 200")
        expectEqual(send.result.fields["bytes"], .int(65_536))
    }
}
