import LabCore
import LabOS
/// A guided lab session in the shell: the active lab and step, checks run after each command,
/// progress saved, the prompt and Tab completion that follow the step.
public enum LabGuide {
    package struct State: Sendable {
        package var lab: Lab?
        package var step = 0
        package var passedGroups: Set<Int> = []
        package var ranCommands: Set<Int> = []
        /// The step's command a learner following it in order would type next.
        package var nextCommand = 0
        package var last: LabResult = .nothing
        package var progress: LabProgress?
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

    /// The step's command that comes after the last one the learner ran (the first, at the start of a step).
    public static func nextSuggestion(_ session: Session) -> String? {
        withState(session) { s in
            guard let lab = s.lab else { return nil }
            let commands = lab.steps[s.step].commands
            return s.nextCommand < commands.count ? commands[s.nextCommand].text : nil
        }
    }

    package static func commandPath(_ line: String, registry: Registry) -> [String]? {
        guard let words = try? Tokenizer.split(line) else { return nil }
        let stage = Array(words.prefix { !$0.isPipe })
        guard !stage.isEmpty, let (_, path, _) = try? registry.resolve(stage) else { return nil }
        return path
    }

    /// After each command the learner runs: evaluate the step's checks that follow the same command, announce a passed step.
    package static func afterCommand(_ outcome: Outcome, in session: Session) -> [Note] {
        guard session.sandbox == nil, let path = outcome.path, path.first != "lab" else { return [] }
        return withState(session) { s -> [Note] in
            guard let lab = s.lab, outcome.succeeded else { return [] }
            s.last = outcome.result
            let step = lab.steps[s.step]
            var notes: [Note] = []
            let paths = step.commands.map { commandPath($0.text, registry: session.registry) }
            for i in paths.indices where paths[i] == path { s.ranCommands.insert(i) }
            // The step's next command follows the one just run: the first with the same text from the expected place
            // on, else anywhere; else the first that is the same command from the expected place on.
            let line = outcome.line.trimmed()
            let texts = step.commands.map { $0.text.trimmed() }
            let ahead = s.nextCommand..<texts.count
            if let i = ahead.first(where: { texts[$0] == line }) ?? texts.firstIndex(of: line) ?? ahead.first(where: { paths[$0] == path }) {
                s.nextCommand = i + 1
            }
            // A step this machine cannot do is already done; its checks would judge the wrong machine.
            if unmetRequirement(lab, s.step) != nil { return markIfDone(&s, session: session) }
            // The checks written under this very line; failing that (the learner typed it differently), under the same command.
            let exact = step.checkGroups.indices.filter { step.checkGroups[$0].command?.text.trimmed() == line }
            let chosen = !exact.isEmpty || texts.contains(line)
                ? exact
                : step.checkGroups.indices.filter { i in
                    step.checkGroups[i].command.map { commandPath($0.text, registry: session.registry) == path } ?? false }
            for i in chosen {
                let group = step.checkGroups[i]
                let results = group.checks.map { CheckOutcome.evaluate($0, against: outcome.result.fields) }
                notes += results.map(\.note)
                if results.allSatisfy(\.passed) { s.passedGroups.insert(i) }
            }
            notes += markIfDone(&s, session: session)
            return notes
        }
    }

    /// Why this machine cannot do the step (its ```requires block is unmet), in the lab's language; nil when it can.
    package static func unmetRequirement(_ lab: Lab, _ index: Int) -> String? {
        LabCatalog.unmetRequirement(lab.steps[index].requires, language: lab.language)
    }

    /// Makes step `index` current and describes it. A step this machine cannot do counts as done at once,
    /// so the learner is never stuck on it.
    package static func enter(_ index: Int, _ s: inout State, session: Session) -> String {
        guard let lab = s.lab else { return "" }
        s.step = index
        s.passedGroups = []
        s.ranCommands = []
        s.nextCommand = 0
        var lines = [describeStep(lab, index, language: lab.language)]
        if unmetRequirement(lab, index) != nil { lines += markIfDone(&s, session: session).map(\.text) }
        return lines.joined(separator: "\n")
    }

    /// A step is done when every check group has passed (or, with no checks, every command has run),
    /// or at once when its requirements are not met on this machine.
    package static func markIfDone(_ s: inout State, session: Session) -> [Note] {
        guard let lab = s.lab else { return [] }
        let step = lab.steps[s.step]
        let groups = step.checkGroups.count
        let skipped = unmetRequirement(lab, s.step) != nil
        let done = skipped || (groups > 0 ? s.passedGroups.count == groups : s.ranCommands.count == step.commands.count)
        guard done else { return [] }
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
        if skipped {
            // The step's description already says why it is skipped and that 'lab next' moves on.
            if entry.stepsDone.count == lab.steps.count {
                notes.append(.stepDone(lab.language.strings.labComplete(lab.id)))
            }
            return notes
        }
        if s.step + 1 == lab.steps.count {
            let all = entry.stepsDone.count == lab.steps.count
            notes.append(.stepDone(all ? "✓ Step \(s.step + 1) done — lab '\(lab.id)' complete. 'lab list' shows the others."
                                       : "✓ Step \(s.step + 1) done — the last step. 'lab status' shows which steps remain."))
        } else {
            notes.append(.stepDone("✓ Step \(s.step + 1) done. 'lab next' for step \(s.step + 2)."))
        }
        return notes
    }

    package static func describeStep(_ lab: Lab, _ index: Int, language: LabLanguage) -> String {
        let step = lab.steps[index]
        var lines = ["\(lab.title) — step \(index + 1) of \(lab.steps.count): \(step.title)"]
        if !step.prose.isEmpty { lines.append(""); lines.append(step.prose) }
        if let reason = unmetRequirement(lab, index) {
            lines.append("")
            lines.append(skipNote(reason, last: index + 1 == lab.steps.count, language: language))
        }
        lines.append("")
        lines.append(language.strings.tryCommands)
        for c in step.commands { lines.append("  " + c.text) }
        if !step.checkGroups.isEmpty {
            lines.append(language.strings.checked)
            for group in step.checkGroups { for c in group.checks { lines.append("  " + c.text) } }
        }
        return lines.joined(separator: "\n")
    }

    /// What the learner reads on a step this machine cannot do.
    package static func skipNote(_ reason: String, last: Bool, language: LabLanguage) -> String {
        language.strings.stepSkipped(reason, last)
    }
}
