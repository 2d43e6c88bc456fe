import LabCore
import LabOS
/// A guided lab session in the shell: the active lab and step, checks run after each command,
/// progress saved, the prompt and Tab completion that follow the step.
///
/// A step is judged as a person does it. Each line the learner runs is matched to one *occurrence* of the step's
/// commands (the same text, else the same command): the next one the step expects when it fits, else the latest
/// one already reached (a repeat), else one further on. Only the check blocks written under that occurrence judge
/// the result, and a goal block judges any result of its commands. A line typed differently counts as the step's
/// command only when a block judged it and held: the learner's own `iter nums` does not stand in for the step's
/// `iter nums --name it`, so Tab still offers the step's. A block that has held stays passed; a step is done when
/// every block has held and every command of the step has run (but those a reached goal covers).
public enum LabGuide {
    package struct State: Sendable {
        package var lab: Lab?
        package var step = 0
        /// The step's check and goal blocks that have held (indices into `checkGroups`).
        package var passedGroups: Set<Int> = []
        /// The step's commands (indices) the learner has run.
        package var ran: Set<Int> = []
        package var last: LabResult = .nothing
        package var progress: LabProgress?
        /// Whether the lab runs in a scope of its own (`lab start` without `--here`), and what that scope set aside.
        package var scoped = false
        package var setAside: [String] = []
        /// The learner's prediction for the current step (`lab predict`), until its measuring command compares it.
        package var predicted: String?
        /// What the step's measuring command found, once it ran: a prediction made after it would not be one.
        package var measured: String?
        /// How many of the step's hints `lab hint` has shown: each call shows one more.
        package var hintsShown = 0

        /// The step's command a learner following it in order would type next: the first not yet run.
        package var nextCommand: Int { (0...).first { !ran.contains($0) } ?? 0 }
    }

    /// The guide's state; saved progress is read from the state folder when the session first asks.
    package static let stateKey = TopicKey("lab.guide") { session in
        State(progress: LabProgress.load(from: session.environment.stateDirectory))
    }

    package static func withState<R>(_ session: Session, _ body: (inout State) throws -> R) rethrows -> R {
        try session.withState(stateKey, body)
    }

    /// `[tour 2/5] ` while a lab is active, else empty.
    public static func promptPrefix(_ session: Session) -> String {
        withState(session) { s in
            guard let lab = s.lab else { return "" }
            return "[\(lab.id) \(s.step + 1)/\(lab.steps.count)] "
        }
    }

    /// The current step's commands, for Tab completion.
    public static func suggestions(_ session: Session) -> [String] {
        withState(session) { s in
            guard let lab = s.lab else { return [] }
            return lab.steps[s.step].commands.map(\.text)
        }
    }

    /// The step's first command still to run: what Tab offers first.
    public static func nextSuggestion(_ session: Session) -> String? {
        withState(session) { s in
            guard let lab = s.lab else { return nil }
            let step = lab.steps[s.step]
            return notRun(s, step).first.map { step.commands[$0].text }
        }
    }

    package static func commandPath(_ line: String, registry: Registry) -> [String]? {
        guard let words = try? Tokenizer.split(line) else { return nil }
        let stage = Array(words.prefix { !$0.isPipe })
        guard !stage.isEmpty, let (_, path, _) = try? registry.resolve(stage) else { return nil }
        return path
    }

    /// Which of the step's commands a line the learner ran stands for, and whether it has the same text; nil when
    /// it is none of them. Candidates are the commands with the same text, else those that are the same command
    /// (`proc list` for `proc list | where …`). Of these: the one the step expects next; else the latest already
    /// reached (the learner repeats it); else the first further on not yet run.
    package static func occurrence(of line: String, path: [String], in step: LabStep, ran: Set<Int>,
                                   registry: Registry) -> (index: Int, exact: Bool)? {
        let texts = step.commands.map { $0.text.trimmed() }
        let typed = line.trimmed()
        var candidates = texts.indices.filter { texts[$0] == typed }
        let exact = !candidates.isEmpty
        if !exact { candidates = texts.indices.filter { commandPath(texts[$0], registry: registry) == path } }
        guard !candidates.isEmpty else { return nil }
        let expected = (0...).first { !ran.contains($0) } ?? 0
        if candidates.contains(expected) { return (expected, exact) }
        if let reached = candidates.last(where: { $0 < expected }) { return (reached, exact) }
        return (candidates.first { !ran.contains($0) } ?? candidates[0], exact)
    }

    /// After each command the learner runs: judge the result by the blocks of the step's command it stands for,
    /// announce a passed step.
    package static func afterCommand(_ outcome: Outcome, in session: Session) -> [Note] {
        guard session.sandbox == nil, let path = outcome.path, path.first != "lab" else { return [] }
        return withState(session) { s -> [Note] in
            guard let lab = s.lab, outcome.succeeded else { return [] }
            s.last = outcome.result
            let step = lab.steps[s.step]
            guard let (index, exact) = occurrence(of: outcome.line, path: path, in: step, ran: s.ran, registry: session.registry) else {
                return []
            }
            let expected = s.nextCommand
            // A step this machine cannot do is already done; its checks would judge the wrong machine.
            if unmetRequirement(lab, s.step) != nil {
                s.ran.insert(index)
                return markIfDone(&s, session: session)
            }
            let strings = lab.language.strings
            var notes: [Note] = []
            if let p = step.prediction, p.commandIndex == index { notes += compare(p, outcome.result, &s, session: session) }
            var held = false
            for (g, group) in step.checkGroups.enumerated() where group.judges(index) {
                let results = group.checks.map { CheckOutcome.evaluate($0, against: outcome.result.fields) }
                if results.allSatisfy(\.passed) {
                    s.passedGroups.insert(g)
                    held = true
                    notes += results.map { $0.note(in: strings) }
                } else if s.passedGroups.contains(g) {
                    // It held before: a later run that differs (an `ls` after the object was closed) is the learner's own.
                    continue
                } else if group.isGoal {
                    // Not every result reaches a goal, and none is wrong: the learner tries another. A command that
                    // returns nothing to read (`py --file` that only defines) says nothing about the goal.
                    if outcome.result.fields.fields.isEmpty { continue }
                    notes.append(.text(strings.goalNotReached(results.filter { !$0.passed }.map { $0.shownUnmet(in: strings) }
                        .joined(separator: ", "))))
                } else if index > expected {
                    // Run ahead of the command before it: the result cannot show what the step is after yet.
                    notes.append(.text(strings.notJudgedYet(step.commands[expected].text)))
                } else {
                    notes += results.map { $0.note(in: strings) }
                }
            }
            if exact || held { s.ran.insert(index) }
            notes += markIfDone(&s, session: session)
            return notes
        }
    }

    /// The step's prediction beside what its measuring command found; the comparison goes into the lab's tally.
    /// Only the first run after a prediction is compared: later runs are the learner's own.
    static func compare(_ p: Prediction, _ result: LabResult, _ s: inout State, session: Session) -> [Note] {
        guard let lab = s.lab else { return [] }
        let strings = lab.language.strings
        let measured: PredictionJudge.Measured
        do { measured = try PredictionJudge.measured(p, in: result.fields) } catch {
            return [.text(strings.measureUnreadable(strings.say(error)))]
        }
        guard let predicted = s.predicted else {
            if s.measured != nil { return [] }
            s.measured = measured.text
            return [.text(strings.notPredicted(measured.text))]
        }
        s.predicted = nil
        s.measured = measured.text
        let verdict = PredictionJudge.verdict(predicted, measured, kind: p.kind)
        var progress = s.progress ?? LabProgress()
        var entry = progress.labs[lab.id] ?? LabProgress.Entry()
        entry.predictions.removeAll { $0.step == s.step + 1 }
        entry.predictions.append(PredictionRecord(step: s.step + 1, predicted: predicted, measured: measured.text, good: verdict.isGood))
        progress.labs[lab.id] = entry
        s.progress = progress
        var notes: [Note] = [.text(strings.predictionCompared(predicted, measured.text, strings.verdict(verdict)))]
        do { try progress.save(to: session.environment.stateDirectory) } catch {
            notes.append(.text(strings.progressNotSaved("\(error)")))
        }
        return notes
    }

    /// `lab predict VALUE`: records the learner's prediction for the current step; the text to show.
    package static func predict(_ value: String, _ s: inout State) throws -> String {
        guard let lab = s.lab else { return "" }
        let strings = lab.language.strings
        let step = lab.steps[s.step]
        guard let p = step.prediction else { throw CommandError(strings.predictionNotAsked) }
        if let refusal = PredictionJudge.refusal(value, for: p, strings: strings) { throw CommandError(refusal) }
        if let measured = s.measured { throw CommandError(strings.predictionTooLate(measured, s.step + 1)) }
        s.predicted = value
        return strings.predictionRecorded(value, step.commands[p.commandIndex].text)
    }

    /// Writes the step's files to fix into the working folder, never over a file already there (it may be the
    /// learner's edited copy, or a file of theirs); what the learner reads about each.
    static func handOut(_ step: LabStep, language: LabLanguage) -> [String] {
        step.files.filter { !$0.isSolution }.map { file in
            if Files.exists(file.name) { return language.strings.fileKept(file.name, Files.realPath(file.name) ?? file.name) }
            do {
                try Files.writeAtomically(file.name, file.text)
                return language.strings.fileWritten(file.name, Files.realPath(file.name) ?? file.name)
            } catch {
                return language.strings.fileNotWritten(file.name, "\(error)")
            }
        }
    }

    /// Why this machine cannot do the step (its ```requires block is unmet), in the lab's language; nil when it can.
    package static func unmetRequirement(_ lab: Lab, _ index: Int) -> String? {
        LabCatalog.unmetRequirement(lab.steps[index].requires, language: lab.language)
    }

    /// Makes step `index` current and describes it. A step this machine cannot do counts as done at once,
    /// so the learner is never stuck on it.
    package static func enter(_ index: Int, _ s: inout State, session: Session) -> [StyledSpan] {
        guard let lab = s.lab else { return [] }
        s.step = index
        s.passedGroups = []
        s.ran = []
        s.predicted = nil
        s.measured = nil
        s.hintsShown = 0
        var spans = describeStep(lab, index, language: lab.language)
        for line in handOut(lab.steps[index], language: lab.language) { spans.append(StyledSpan("\n\n" + line)) }
        if unmetRequirement(lab, index) != nil {
            for note in markIfDone(&s, session: session) { spans.append(StyledSpan("\n" + note.text)) }
        }
        return spans
    }

    /// Whether the current step is done: skipped here, or every block held and every command ran (but those of a
    /// goal that held: a learner who reached it another way need not type the step's transcript as well).
    package static func isDone(_ s: State) -> Bool {
        guard let lab = s.lab else { return false }
        if unmetRequirement(lab, s.step) != nil { return true }
        let step = lab.steps[s.step]
        return s.passedGroups.count == step.checkGroups.count && notRun(s, step).isEmpty
    }

    /// The step's commands still to run: those not run, but for the ones a goal that held covers.
    package static func notRun(_ s: State, _ step: LabStep) -> [Int] {
        let groups = step.checkGroups
        let covered = groups.indices.filter { groups[$0].isGoal && s.passedGroups.contains($0) }.map { groups[$0].segment }
        return step.commands.indices.filter { i in !s.ran.contains(i) && !covered.contains { $0.contains(i) } }
    }

    /// What the current step still lacks, in the lab's language; nil when it is done.
    package static func missing(_ s: State) -> String? {
        guard let lab = s.lab, !isDone(s) else { return nil }
        let step = lab.steps[s.step]
        let notRun = notRun(s, step).map { step.commands[$0].text }
        let notPassed = step.checkGroups.indices.filter { !s.passedGroups.contains($0) }
            .flatMap { step.checkGroups[$0].checks.map(\.text) }
        return lab.language.strings.stepNotDone(s.step + 1, notRun, notPassed)
    }

    /// A step is done when every check and goal block has held and each of its commands has run (so "done" never
    /// comes before the last command), or at once when its requirements are not met on this machine.
    package static func markIfDone(_ s: inout State, session: Session) -> [Note] {
        guard let lab = s.lab, isDone(s) else { return [] }
        let skipped = unmetRequirement(lab, s.step) != nil
        var progress = s.progress ?? LabProgress()
        var entry = progress.labs[lab.id] ?? LabProgress.Entry()
        let already = entry.stepsDone.contains(s.step + 1)
        entry.stepsDone.insert(s.step + 1)
        entry.current = s.step + 1
        progress.labs[lab.id] = entry
        s.progress = progress
        var notes: [Note] = []
        do { try progress.save(to: session.environment.stateDirectory) } catch {
            notes.append(.text("(progress not saved: \(error))"))
        }
        if already { return notes }
        let strings = lab.language.strings
        let complete = entry.stepsDone.count == lab.steps.count
        if skipped {
            // The step's description already says why it is skipped and that 'lab next' moves on.
            if complete { notes.append(.stepDone(strings.labComplete(lab.id))) }
            return notes
        }
        if s.step + 1 == lab.steps.count {
            notes.append(.stepDone(complete ? strings.lastStepDoneLabComplete(s.step + 1, lab.id, s.scoped)
                                            : strings.lastStepDone(s.step + 1)))
        } else {
            notes.append(.stepDone(strings.stepDone(s.step + 1)))
        }
        return notes
    }

    /// Starts `lab`: in a scope of its own unless `here`, after leaving a different active lab. Returns what the
    /// learner reads about their objects (nothing when the same lab is resumed).
    package static func begin(_ lab: Lab, here: Bool, _ s: inout State, session: Session) -> [String] {
        var lines: [String] = []
        if let current = s.lab {
            if current.id == lab.id { return [] }
            lines += leave(&s, session: session)
        }
        s.lab = lab
        if here {
            s.scoped = false
            s.setAside = []
            let mine = session.objects.handles()
            if !mine.isEmpty { lines.append(lab.language.strings.runsBeside(mine)) }
        } else {
            s.scoped = true
            s.setAside = session.objects.beginScope()
            lines.append(lab.language.strings.scopeBegun(s.setAside, lab.id))
        }
        return lines
    }

    /// Leaves the active lab: a lab in a scope of its own closes what it made and brings back what it set aside.
    package static func leave(_ s: inout State, session: Session) -> [String] {
        guard let lab = s.lab else { return [] }
        s.lab = nil
        guard s.scoped else { return [] }
        s.scoped = false
        let (closed, failures) = session.objects.endScope()
        var lines = [lab.language.strings.scopeEnded(closed, s.setAside)]
        lines += failures.map { "  \($0.0): \($0.1)" }
        s.setAside = []
        return lines
    }

    /// The step as the learner reads it: its heading, then its prose, commands, prediction and goals in the order the
    /// file writes them. Checks are not shown: they would give the answer before anything ran (each one is shown, ✓ or
    /// ✗, under the command it judges).
    package static func describeStep(_ lab: Lab, _ index: Int, language: LabLanguage) -> [StyledSpan] {
        let step = lab.steps[index]
        let strings = language.strings
        var out = [StyledSpan(strings.stepHeader(lab.title, index + 1, lab.steps.count, step.title), style: LabProse.heading)]
        func paragraph(_ spans: [StyledSpan]) {
            out.append(StyledSpan("\n\n"))
            out += spans
        }
        if let reason = unmetRequirement(lab, index) {
            paragraph([StyledSpan(skipNote(reason, last: index + 1 == lab.steps.count, language: language))])
        }
        var shownTry = false
        for block in step.blocks {
            switch block {
            case .prose(let text):
                paragraph(LabProse.spans(text))
            case .commands(let commands):
                var spans: [StyledSpan] = []
                if !shownTry {
                    spans.append(StyledSpan(strings.tryCommands + "\n"))
                    shownTry = true
                }
                spans += commands.enumerated().map { i, c in StyledSpan((i == 0 ? "" : "\n") + "  " + c.text, style: LabProse.bold) }
                paragraph(spans)
            case .predict(let p):
                paragraph([StyledSpan(strings.predictFirst(p.kind, p.options.map(\.label)), style: "33")])
            case .goal(let conditions):
                paragraph([StyledSpan(strings.goal)] + conditions.map { StyledSpan("\n  " + $0.text) })
            case .file(let file) where !file.isSolution:
                paragraph([StyledSpan(strings.fileToFix(file.name))] + file.text.split(separator: "\n", omittingEmptySubsequences: false)
                    .dropLast().map { StyledSpan("\n    " + $0, style: LabProse.code) })
            case .checks, .hint, .output, .file:
                continue
            }
        }
        return LabProse.merged(out)
    }

    /// What the learner reads on a step this machine cannot do.
    package static func skipNote(_ reason: String, last: Bool, language: LabLanguage) -> String {
        language.strings.stepSkipped(reason, last)
    }
}

extension CheckOutcome {
    /// A condition not met, with the values it read: `violates (violates = false)`, in `strings`' language.
    func shownUnmet(in strings: GuideStrings) -> String { described(in: strings, gap: " ") }
}
