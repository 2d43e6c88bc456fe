import LabCore
import LabOS
/// `lab`: guided lab sessions in the shell.
package struct LabCommand: Command {
    package init() {}
    package let spec = CommandSpec("lab", summary: "guided labs: list, start, step through, get hints, check",
                           discussion: "While a lab is active the prompt shows it, Tab completes the step's commands, and the step's checks run after each command.")
    package let verbs: [any Command] = [LabList(), LabStart(), LabNext(), LabBack(), LabStepTo(), LabPredict(), LabHint(), LabStatus(),
                                        LabCheck(), LabStop(), LabNew()]
    package let defaultVerb: String? = "list"
}

private let noLabsMessage = "no labs found: this conclab has none built in; set CONCLAB_LABS to a folder of labs (with en/ and ru/)"

/// Fails, in the session's language, when no lab is active (a requirement's message would be English only).
private func requireActiveLab(_ session: Session) throws {
    guard LabGuide.withState(session, { $0.lab != nil }) else { throw CommandError(session.settings.language.strings.noActiveLab) }
}

private let notInReplay = Requirement(message: "'lab' commands cannot run inside a replayed lab") { $0.sandbox == nil }

package func loadLabs(_ session: Session) throws -> [Lab] {
    let (labs, errors) = LabCatalog.load(labsDirectory: session.environment.labsDirectory, language: session.settings.language)
    if labs.isEmpty, let first = errors.first { throw CommandError("no lab could be read; first error: \(first)") }
    guard !labs.isEmpty else { throw CommandError(noLabsMessage) }
    return labs
}

package func findLab(_ id: String, in labs: [Lab]) throws -> Lab {
    if let lab = labs.first(where: { $0.id == id }) { return lab }
    // `race` finds `race-conditions`; `01` finds `01-…` files.
    let matches = labs.filter { $0.id.hasPrefix(id) || ($0.path.split(separator: "/").last?.hasPrefix(id) ?? false) }
    if matches.count == 1 { return matches[0] }
    let language = labs.first?.language ?? .en
    throw CommandError(language.strings.noSuchLab(id, Suggest.closest(to: id, in: labs.map(\.id))))
}

package struct LabList: Command {
    package let spec = CommandSpec("list", aliases: ["ls"], summary: "list the labs with their progress", examples: ["lab list"],
                                   fields: [.column("id", "what 'lab start' takes"), .column("title", "the lab's title"),
                                            .column("topic", "one word: shell, generators, gil …"),
                                            .column("minutes", "the estimated time, in minutes"),
                                            .column("progress", "- before any step, then \"2 of 5 steps\", then \"✓ done\" (in the session's language)")])
    package var requirements: [Requirement] { [notInReplay] }

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let session = context.session
        let labs = try loadLabs(session)
        let progress = LabGuide.withState(session) { $0.progress ?? LabProgress() }
        let strings = session.settings.language.strings
        let rows = labs.map { lab -> [Value] in
            let done = progress.labs[lab.id]?.stepsDone.filter { $0 <= lab.steps.count }.count ?? 0
            let shown = done == lab.steps.count ? strings.listDone : (done == 0 ? "-" : strings.listProgress(done, lab.steps.count))
            return [.string(lab.id), .string(lab.title), .string(lab.topic), .int(lab.minutes), .string(shown)]
        }
        return .table(Table(columns: ["id", "title", "topic", "minutes", "progress"], rows: rows))
    }
}

package struct LabStart: Command {
    package let spec = CommandSpec("start", summary: "start (or resume) a lab, in a scope of its own",
                           arguments: [ArgumentSpec("ID", .lab, help: "a lab id from 'lab list' (a unique prefix is enough)")],
                           flags: [FlagSpec("here", help: "run beside the objects you already have instead of setting them aside")],
                           examples: ["lab start tour", "lab start tour --here"],
                           discussion: """
                               A lab runs in a scope of its own: the objects you made before are set aside (alive, but not \
                               listed, counted or closable by the lab) and come back with 'lab stop', which also closes what \
                               the lab made. With --here the lab runs beside them.
                               """)
    package var requirements: [Requirement] { [notInReplay] }

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let session = context.session
        let lab = try findLab(try arguments.require("ID"), in: try loadLabs(session))
        return LabGuide.withState(session) { s in
            let entry = s.progress?.labs[lab.id]
            var step = 0
            if let entry, entry.stepsDone.count < lab.steps.count {
                // Resume at the first step not yet done.
                step = (0..<lab.steps.count).first { !entry.stepsDone.contains($0 + 1) } ?? 0
            }
            let objects = LabGuide.begin(lab, here: arguments.flag("here"), &s, session: session)
            var spans = [StyledSpan(lab.title, style: LabProse.heading), StyledSpan(" " + lab.language.strings.minutes(lab.minutes))]
            if !lab.introduction.isEmpty { spans += [StyledSpan("\n")] + LabProse.spans(lab.introduction) }
            if !objects.isEmpty { spans.append(StyledSpan("\n\n" + objects.joined(separator: "\n"))) }
            spans += [StyledSpan("\n\n")] + LabGuide.enter(step, &s, session: session)
            return .prose(LabProse.merged(spans))
        }
    }
}

/// Moves to another step of the active lab.
package func moveStep(_ context: Context, _ target: (Int, Int) -> Int) throws -> LabResult {
    try requireActiveLab(context.session)
    return try LabGuide.withState(context.session) { s in
        guard let lab = s.lab else { throw CommandError(context.session.settings.language.strings.noActiveLab) }
        let strings = lab.language.strings
        let next = target(s.step, lab.steps.count)
        guard next >= 0 && next < lab.steps.count else {
            throw CommandError(next < 0 ? strings.firstStep : strings.lastStep(lab.id))
        }
        return .prose(LabGuide.enter(next, &s, session: context.session))
    }
}

package struct LabNext: Command {
    package let spec = CommandSpec("next", summary: "go to the next step (saying what the current one still lacks, if anything)",
                                   examples: ["lab next"])
    package var requirements: [Requirement] { [notInReplay] }
    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let missing = LabGuide.withState(context.session) { s in
            s.lab.map { s.step + 1 < $0.steps.count } == true ? LabGuide.missing(s) : nil
        }
        let moved = try moveStep(context) { current, _ in current + 1 }
        guard let missing, case .prose(let spans) = moved else { return moved }
        return .prose([StyledSpan(missing + "\n\n")] + spans)
    }
}

package struct LabBack: Command {
    package let spec = CommandSpec("back", summary: "go to the previous step", examples: ["lab back"])
    package var requirements: [Requirement] { [notInReplay] }
    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult { try moveStep(context) { current, _ in current - 1 } }
}

package struct LabStepTo: Command {
    package let spec = CommandSpec("step", summary: "go to step N", arguments: [ArgumentSpec("N", .integer)], examples: ["lab step 3"])
    package var requirements: [Requirement] { [notInReplay] }
    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let n = try arguments.integer("N", default: 1)
        return try moveStep(context) { _, _ in n - 1 }
    }
}

package struct LabPredict: Command {
    package let spec = CommandSpec("predict", summary: "commit to a prediction (a number, a choice or one word) before the step measures it",
                                   arguments: [ArgumentSpec("VALUE", .word, help: "your prediction: a number (40, 1_000), a choice's label, or one word")],
                                   examples: ["lab predict 40", "lab predict b"],
                                   discussion: """
                                       A step that asks for a prediction says so above its measuring command. After that command \
                                       runs, the guide shows your prediction beside the figure; 'lab status' keeps the tally.
                                       """)
    package var requirements: [Requirement] { [notInReplay] }
    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        try requireActiveLab(context.session)
        let value = try arguments.require("VALUE")
        return .text(try LabGuide.withState(context.session) { s in try LabGuide.predict(value, &s) })
    }
}

package struct LabHint: Command {
    package let spec = CommandSpec("hint", summary: "a hint for the current step (again: the next one, closer to the answer)", examples: ["lab hint"])
    package var requirements: [Requirement] { [notInReplay] }
    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        try requireActiveLab(context.session)
        return LabGuide.withState(context.session) { s in
            guard let lab = s.lab else { return .nothing }
            let hints = lab.steps[s.step].hints
            if hints.isEmpty {
                return .text(lab.language.strings.noHint(lab.steps[s.step].commands.map(\.text).joined(separator: "; ")))
            }
            // Hints go from the likeliest mistake to the answer: each call shows one more.
            s.hintsShown = min(s.hintsShown + 1, hints.count)
            var text = hints.prefix(s.hintsShown).joined(separator: "\n\n")
            if s.hintsShown < hints.count { text += "\n\n" + lab.language.strings.moreHints(s.hintsShown, hints.count) }
            return .prose(LabProse.spans(text))
        }
    }
}

package struct LabStatus: Command {
    package let spec = CommandSpec("status", summary: "where you are in the active lab", examples: ["lab status"],
                                   fields: [FieldSpec("lab", "the active lab's id"), FieldSpec("step", "the current step, from 1"),
                                            FieldSpec("steps", "the lab's steps"), FieldSpec("title", "the current step's title"),
                                            FieldSpec("checks_passed", "the step's check blocks passed so far"),
                                            FieldSpec("check_groups", "the step's check blocks"),
                                            FieldSpec("commands_run", "the step's commands run so far"),
                                            FieldSpec("commands", "the step's commands"),
                                            FieldSpec("steps_done", "the numbers of the steps done"),
                                            FieldSpec("language", "en or ru"),
                                            FieldSpec("predictions", "predictions made in this lab (the latest per step)"),
                                            FieldSpec("predictions_close", "those that were right or close"),
                                            FieldSpec("prediction_steps", "each: step, predicted, measured, good"),
                                            FieldSpec("skipped", "why this machine cannot do the step, which counts as done (such a step)",
                                                      occasional: true)])
    package var requirements: [Requirement] { [notInReplay] }
    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        try requireActiveLab(context.session)
        return LabGuide.withState(context.session) { s in
            guard let lab = s.lab else { return .nothing }
            let done = s.progress?.labs[lab.id]?.stepsDone ?? []
            let predictions = s.progress?.labs[lab.id]?.predictions ?? []
            let step = lab.steps[s.step]
            var record = Record(title: lab.title, [
                ("lab", .string(lab.id)), ("step", .int(s.step + 1)), ("steps", .int(lab.steps.count)),
                ("title", .string(step.title)),
                ("checks_passed", .int(s.passedGroups.count)), ("check_groups", .int(step.checkGroups.count)),
                ("commands_run", .int(s.ran.count)), ("commands", .int(step.commands.count)),
                ("steps_done", .list(done.sorted().map { .int($0) })),
                ("language", .string(lab.language.rawValue)),
                // The tally: predictions made in this lab (the latest per step), how many were right or close, and each.
                ("predictions", .int(predictions.count)),
                ("predictions_close", .int(predictions.filter(\.good).count)),
                ("prediction_steps", .list(predictions.sorted { $0.step < $1.step }.map { p in
                    .record(Record([("step", .int(p.step)), ("predicted", .string(p.predicted)), ("measured", .string(p.measured)),
                                    ("good", .bool(p.good))]))
                })),
            ])
            // Only on a step this machine cannot do: why, and that it counts as done.
            if let reason = LabGuide.unmetRequirement(lab, s.step) {
                record.append("skipped", .string(LabGuide.skipNote(reason, last: s.step + 1 == lab.steps.count, language: lab.language)))
            }
            return .record(record)
        }
    }
}

package struct LabCheck: Command {
    package let spec = CommandSpec("check", summary: "re-evaluate the current step's checks on the last result", examples: ["lab check"])
    package var requirements: [Requirement] { [notInReplay] }
    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let session = context.session
        try requireActiveLab(session)
        return LabGuide.withState(session) { s in
            guard let lab = s.lab else { return .nothing }
            let step = lab.steps[s.step]
            var lines: [String] = []
            if let reason = LabGuide.unmetRequirement(lab, s.step) {
                // Its checks were written for a machine this one is not; evaluating them would only mislead.
                lines.append(LabGuide.skipNote(reason, last: s.step + 1 == lab.steps.count, language: lab.language))
                lines += LabGuide.markIfDone(&s, session: session).map(\.text)
                return .text(lines.joined(separator: "\n"))
            }
            if step.checkGroups.isEmpty {
                lines.append(lab.language.strings.noChecks(step.commands.map(\.text).joined(separator: "; ")))
            }
            for (i, group) in step.checkGroups.enumerated() {
                // A block that held stays passed: it is not judged again on a later command's result.
                if s.passedGroups.contains(i) {
                    lines += group.checks.map { "✓ " + $0.text }
                    continue
                }
                let results = group.checks.map { CheckOutcome.evaluate($0, against: s.last.fields) }
                lines += results.map { $0.rendered(in: lab.language.strings) }
                if results.allSatisfy(\.passed) { s.passedGroups.insert(i) }
            }
            lines += LabGuide.markIfDone(&s, session: session).map(\.text)
            return .text(lines.joined(separator: "\n"))
        }
    }
}

package struct LabStop: Command {
    package let spec = CommandSpec("stop", summary: "leave the lab (progress is kept): close what it made, give back your objects",
                                   examples: ["lab stop"])
    package var requirements: [Requirement] { [notInReplay] }
    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        try requireActiveLab(context.session)
        return LabGuide.withState(context.session) { s in
            let id = s.lab?.id ?? ""
            let strings = (s.lab?.language ?? context.session.settings.language).strings
            let lines = LabGuide.leave(&s, session: context.session)
            return .text(([strings.leftLab(id)] + lines).joined(separator: "\n"))
        }
    }
}

/// `lab new ID`: a lab's skeleton in both languages, which lints and replays as written, for a teacher to fill in.
package struct LabNew: Command {
    package let spec = CommandSpec("new", summary: "write a new lab's skeleton, en/NN-ID.md and ru/NN-ID.md, that lints and replays",
                                   arguments: [ArgumentSpec("ID", .word, help: "the lab's id: letters, digits and '-', starting with a letter")],
                                   flags: [FlagSpec("dir", value: .path, valueName: "DIR", help: "the labs folder to write into (default: ./Labs)")],
                                   examples: ["lab new pipes", "lab new pipes --dir my-labs"],
                                   discussion: """
                                       The number NN is the next free one in DIR/en. Each file has the front matter, one step with \\
                                       a command, a check and a hint; Labs/FORMAT.md explains the rest. Existing files are never \\
                                       overwritten.
                                       """,
                                   fields: [.column("language", "en or ru"), .column("file", "the path written")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let id = try arguments.require("ID")
        guard let first = id.first, first.isASCII, first.isLetter,
              id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw UsageError("'\(id)' cannot be a lab id: letters, digits and '-', starting with a letter", usage: arguments.usage)
        }
        let folder = try context.session.writablePath(arguments.string("dir") ?? "Labs")
        let english = Files.list(folder + "/en").filter { $0.hasSuffix(".md") }
        if let taken = english.first(where: { $0.dropFirst(3) == "\(id).md" || $0 == "\(id).md" }) {
            throw CommandError("\(folder)/en/\(taken) already holds a lab '\(id)'")
        }
        let numbers = english.compactMap { Int($0.prefix(2)) }
        let number = String(format2: (numbers.max() ?? -1) + 1)
        var written: [[Value]] = []
        for (language, text) in [("en", Self.english(id)), ("ru", Self.russian(id))] {
            let path = "\(folder)/\(language)/\(number)-\(id).md"
            if Files.exists(path) { throw CommandError("\(path) exists; nothing was written") }
            try Files.makeDirectories("\(folder)/\(language)")
            try context.session.sandbox?.charge(writing: text.utf8.count)
            try Files.writeAtomically(path, text)
            written.append([.string(language), .string(path)])
        }
        return .table(Table(title: "lab '\(id)' written: edit both files, then 'conclab lint \(folder)' and 'conclab replay \(folder)/en/\(number)-\(id).md'",
                            columns: ["language", "file"], rows: written))
    }

    static func english(_ id: String) -> String {
        skeleton(id: id, title: "A title for \(id)",
                 intro: "What this lab shows, in two sentences: the idea, and what the learner will measure.",
                 step: "A first step",
                 text: """
                     What to do and what to look at. Each `conclab` block is run; each `check` is judged on the
                     result of the command before it (`--json` shows a result's fields).
                     """,
                 hint: "What to try when the check does not pass.")
    }

    static func russian(_ id: String) -> String {
        skeleton(id: id, title: "Название лабораторной \(id)",
                 intro: "Что показывает эта лабораторная, в двух предложениях: идея и то, что учащийся измерит.",
                 step: "Первый шаг",
                 text: """
                     Что сделать и на что посмотреть. Каждый блок `conclab` выполняется; каждая проверка (`check`)
                     судит о результате предыдущей команды (поля результата показывает `--json`).
                     """,
                 hint: "Что попробовать, если проверка не проходит.")
    }

    /// One language's file: the same front matter, command and check in both, the prose given.
    static func skeleton(id: String, title: String, intro: String, step: String, text: String, hint: String) -> String {
        let fence = "```"
        return """
            ---
            id: \(id)
            title: \(title)
            topic: shell
            minutes: 5
            ---

            # \(title)

            \(intro)

            ## \(step)

            \(text)

            \(fence)conclab
            echo hello
            \(fence)

            \(fence)check
            text == "hello"
            \(fence)

            \(fence)hint
            \(hint)
            \(fence)

            """
    }
}

private extension String {
    /// A lab number as its file name spells it: two digits at least.
    init(format2 n: Int) { self = n < 10 ? "0\(n)" : "\(n)" }
}
