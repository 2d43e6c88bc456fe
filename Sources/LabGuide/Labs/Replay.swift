import LabOS
import LabCore

/// The result of checking one condition against a result.
public struct CheckOutcome: Sendable, Equatable {
    public var line: Int
    public var condition: String
    public var passed: Bool
    /// The values the condition read ("lost = 0"), or the error that stopped it.
    public var detail: String
    /// When the error was a name the result does not have: for a guide that says so in the lab's language.
    public var unknownName: ExpressionError.UnknownName? = nil
    /// Another error with its facts (a row not there, a null compared …), for the same guide.
    public var reason: ExpressionError.Reason? = nil
}

extension CheckOutcome {
    /// Evaluates `condition` against `fields`, naming the values it read so a failure says what was seen.
    package static func evaluate(_ condition: LabLine, against fields: Record) -> CheckOutcome {
        let renderer = HumanRenderer(color: false)
        do {
            let expression = try Expression(parsing: condition.text)
            let evaluator = Evaluator(record: fields)
            let passed = try evaluator.isTrue(expression)
            var seen: [String] = []
            for operand in expression.operands {
                guard let text = operand.sourceText, !seen.contains(where: { $0.hasPrefix(text + " = ") }),
                      let v = try? evaluator.evaluate(operand) else { continue }
                var shown: String
                switch v {
                case .list(let items): shown = "[\(items.count) items]"
                case .string(let s): shown = JSONRenderer.string(s)
                case .null: shown = "null"
                default: shown = renderer.cell(v)
                }
                if shown.count > 60 { shown = String(shown.prefix(57)) + "…" }
                seen.append(text + " = " + shown.replacingNewlines())
            }
            return CheckOutcome(line: condition.number, condition: condition.text, passed: passed, detail: seen.joined(separator: ", "))
        } catch {
            return CheckOutcome(line: condition.number, condition: condition.text, passed: false, detail: "\(error)",
                                unknownName: error.unknownName, reason: error.reason)
        }
    }

    /// `detail` as a guided session in `strings`' language shows it: a name the result lacks is said in that language.
    func detail(in strings: GuideStrings) -> String {
        if let unknownName, let say = strings.unknownName { return say(unknownName.name, unknownName.closest, unknownName.known) }
        if let reason, let say = strings.reason { return say(reason) }
        return detail
    }

    /// The condition and, after `gap`, what it read: `lost == 0   (lost = 3)`.
    func described(in strings: GuideStrings, gap: String = "   ") -> String {
        let shown = detail(in: strings)
        return condition + (shown.isEmpty ? "" : gap + "(\(shown))")
    }

    /// The outcome as the note a guided session in `strings`' language shows under the command.
    func note(in strings: GuideStrings) -> Note { .check(passed: passed, text: described(in: strings)) }

    /// `rendered`, in `strings`' language.
    package func rendered(in strings: GuideStrings) -> String { (passed ? "✓ " : "✗ ") + described(in: strings) }

    /// The outcome as a line of a replay's transcript, which is English.
    public var rendered: String { rendered(in: .en) }
}

/// One step of a replay.
public struct StepReport: Sendable {
    public var index: Int
    public var title: String
    public var checks: [CheckOutcome]
    /// Commands that failed, output lines not found: each a sentence.
    public var problems: [String]
    /// Why the step was not run (its ```requires block is not met here); a skipped step does not fail its lab.
    public var skipReason: String?
    /// The step's time, from its first command to its last check: where a lab's replay spends its time.
    public var elapsedNanoseconds: Int64 = 0
    public var passed: Bool { problems.isEmpty && checks.allSatisfy(\.passed) }
    public var skipped: Bool { skipReason != nil }
}

/// A lab replayed with no person.
public struct ReplayReport: Sendable {
    public enum Status: String, Sendable { case passed, failed, skipped }
    public var lab: Lab
    public var status: Status
    public var skipReason: String?
    public var steps: [StepReport]
    public var elapsedNanoseconds: Int64
    /// Whether a bound (time, output, scratch space) stopped the lab before its end.
    public var stoppedEarly = false
    /// For a twin judged on its twin's run (`replay --twins-once`): the path of the lab that ran.
    public var judgedOn: String?

    /// The last line of a lab's transcript: passed, or which steps failed.
    public var verdictLine: String {
        let skippedNote = skippedStepCount == 0 ? "" : ", \(skippedStepCount) step\(skippedStepCount == 1 ? "" : "s") skipped"
        let failed = steps.filter { !$0.passed }
        if failed.isEmpty { return "✓ \(lab.id) (\(lab.language)): \(checkCount) checks passed" + skippedNote }
        let names = failed.map { "step \($0.index) '\($0.title)'" }.joined(separator: ", ")
        return "✗ \(lab.id) (\(lab.language)): \(failedCount) failed in \(names)" + skippedNote + (stoppedEarly ? "; stopped early" : "")
    }

    public var checkCount: Int { steps.reduce(0) { $0 + $1.checks.count } }
    public var failedCount: Int { steps.reduce(0) { $0 + $1.checks.filter { !$0.passed }.count + $1.problems.count } }
    public var skippedStepCount: Int { steps.filter(\.skipped).count }

    public var json: Record {
        Record([
            ("id", .string(lab.id)), ("language", .string(lab.language.rawValue)), ("path", .string(lab.path)),
            ("status", .string(status.rawValue)), ("skip_reason", skipReason.map(Value.string) ?? .null),
            ("checks", .int(checkCount)), ("failed", .int(failedCount)), ("skipped_steps", .int(skippedStepCount)),
            ("elapsed_ms", .ms(elapsedNanoseconds)), ("judged_on", judgedOn.map(Value.string) ?? .null),
            ("steps", .list(steps.map { step in
                .record(Record([("step", .int(step.index)), ("title", .string(step.title)), ("passed", .bool(step.passed)),
                                ("skipped", .bool(step.skipped)), ("skip_reason", step.skipReason.map(Value.string) ?? .null),
                                ("elapsed_ms", .ms(step.elapsedNanoseconds)),
                                ("problems", .list(step.problems.map(Value.string))),
                                ("checks", .list(step.checks.map { c in
                                    .record(Record([("line", .int(c.line)), ("condition", .string(c.condition)),
                                                    ("passed", .bool(c.passed)), ("detail", .string(c.detail))]))
                                }))]))
            })),
        ])
    }
}

/// The bounds a replayed lab runs within. A lab is someone else's file: nothing it runs may go on, print or write
/// without end. A lab may ask for more time (`timeout: N`, up to `LabTimeLimit`'s maxima), never for more of the rest.
public struct ReplayLimits: Sendable {
    /// A step's time when its ```requires block names none.
    public var stepMilliseconds = LabTimeLimit.stepDefaultSeconds * 1_000
    /// The whole lab's time when its front matter names none.
    public var labMilliseconds = LabTimeLimit.labDefaultSeconds * 1_000
    /// Transcript bytes a lab may print.
    public var outputBytes = 8 << 20
    /// Bytes a lab may write into files (its scratch folder, and `fd write` as it goes), and entries it may make there.
    public var scratchBytes = 64 << 20
    public var scratchEntries = 10_000
    /// States the ```output matcher may visit (and bytes its plain searches may read) in one lab.
    public var matchSteps = 20_000_000
    /// How long a cancelled command has to come back before everything the lab started is ended; after twice
    /// this, `onStuck` is told (conclab then gives up the whole replay: a command that ignores cancellation is a bug).
    public var graceMilliseconds = 10_000
    public var onStuck: (@Sendable (String) -> Void)?

    public init() {}

    public static let standard = ReplayLimits()
}

/// Runs labs without a person: each step's commands in a fresh, sandboxed session, then its checks.
public enum LabReplayer {
    /// Sessions of the labs being replayed now, so a signal handler can end what they started.
    private static let live = Locked<[ObjectIdentifier: Session]>([:])

    /// For a replay ended by a signal or a closed stdout: removes every scratch folder (and refuses new ones),
    /// ends what the labs being replayed started, then removes the folders again in case something wrote there.
    public static func abandonAll() {
        let folders = Scratch.removeAll()
        for session in live.withLock({ Array($0.values) }) { session.shutdown() }
        for folder in folders { Files.removeTree(folder) }
    }

    /// Replays `lab`; transcript lines go to `emit` as they happen, their control characters shown escaped (a lab's
    /// text, its commands and what they print are someone else's data: none of it may drive the terminal).
    public static func replay(_ lab: Lab, registry: Registry, limits: ReplayLimits = .standard, emit sink: (String) -> Void) -> ReplayReport {
        func emit(_ line: String) { sink(line.escapingControlCharacters()) }
        let started = Clock.monotonicNanoseconds()
        if let reason = LabCatalog.unmetRequirement(lab) {
            emit("○ \(lab.id) (\(lab.language)) skipped: \(reason)")
            return ReplayReport(lab: lab, status: .skipped, skipReason: reason, steps: [], elapsedNanoseconds: 0)
        }
        func setupFailure(_ reason: String) -> ReplayReport {
            emit("✗ \(lab.id): \(reason)")
            let step = StepReport(index: 0, title: "setup", checks: [], problems: [reason])
            return ReplayReport(lab: lab, status: .failed, skipReason: nil, steps: [step], elapsedNanoseconds: 0)
        }
        let scratch: String
        do { scratch = try Scratch.make(label: lab.id) } catch { return setupFailure("\(error)") }
        let session = Session(registry: registry, settings: Settings(language: lab.language),
                              sandbox: Sandbox(scratchDirectory: scratch, writeLimit: limits.scratchBytes))
        let key = ObjectIdentifier(session)
        live.withLock { $0[key] = session }
        let watchdog = Watchdog(session: session, label: lab.id, limits: limits)
        defer {
            watchdog.finish()
            session.shutdown()
            live.withLock { $0[key] = nil }
            Scratch.remove(scratch)
        }
        do { try watchdog.start() } catch { return setupFailure("cannot start the replay's clock: \(error)") }

        let labLimit = Int64(lab.requires.timeoutSeconds.map { $0 * 1_000 } ?? limits.labMilliseconds) * 1_000_000
        let labDeadline = started + labLimit
        /// A limit as a person reads it: "60 s", "500 ms".
        func shown(_ nanoseconds: Int64) -> String {
            let ms = nanoseconds / 1_000_000
            return ms % 1_000 == 0 ? "\(ms / 1_000) s" : "\(ms) ms"
        }
        var printed = 0
        var outputFull = false
        /// Emits `text` while the lab's output is under its limit; returns what was emitted (what ```output may search).
        func say(_ text: String) -> String {
            guard !outputFull else { return "" }
            let size = text.utf8.count + 1
            if printed + size <= limits.outputBytes {
                printed += size
                emit(text)
                return text
            }
            outputFull = true
            // As much as fits with its newline, cut where a character starts.
            let bytes = Array(text.utf8)
            var end = min(bytes.count, max(0, limits.outputBytes - printed - 1))
            while end > 0 && end < bytes.count && bytes[end] & 0xC0 == 0x80 { end -= 1 }
            let cut = String(decoding: bytes[..<end], as: UTF8.self)
            if !cut.isEmpty { emit(cut) }
            return cut
        }
        var matchBudget = limits.matchSteps
        /// Why the lab stops before its end, once something passed a bound.
        var stopped: String?

        let renderer = HumanRenderer(color: false)
        _ = say("━━ \(lab.id) (\(lab.language)): \(lab.title) — \(lab.path)")
        var reports: [StepReport] = []
        for (offset, step) in lab.steps.enumerated() {
            guard stopped == nil else { break }
            _ = say("── step \(offset + 1)/\(lab.steps.count): \(step.title)")
            var report = StepReport(index: offset + 1, title: step.title, checks: [], problems: [])
            let stepStarted = Clock.monotonicNanoseconds()
            if let reason = LabCatalog.unmetRequirement(step.requires) {
                // Nothing of the step runs: its checks would only measure the machine it was not written for.
                _ = say("– step \(offset + 1) skipped: \(reason)")
                report.skipReason = reason
                reports.append(report)
                continue
            }
            let stepLimit = Int64(step.requires.timeoutSeconds.map { $0 * 1_000 } ?? limits.stepMilliseconds) * 1_000_000
            let stepDeadline = Clock.monotonicNanoseconds() + stepLimit
            let stepOverrun = "step \(offset + 1) took longer than its limit of \(shown(stepLimit))"
            let labOverrun = "the lab took longer than its limit of \(shown(labLimit))"
            var last: LabResult = .nothing
            /// The results since the last check or goal block: what a goal may be reached by.
            var segment: [(command: String, result: LabResult)] = []
            var transcript: [String] = []
            var commandFailed = false
            /// The step's commands run so far, and the prediction waiting for its measuring command.
            var commandsRun = 0
            var prediction: Prediction?
            /// Records `reason` as the step's problem and stops the lab.
            func stop(_ reason: String) {
                report.problems.append(reason)
                emit("  ✗ \(reason); the lab stops here")
                stopped = reason
            }
            // A fix-it step runs on the lab's own fix: the file as the learner would leave it.
            for file in step.files where file.isSolution {
                do { try Files.writeAtomically(scratch + "/" + file.name, file.text) } catch {
                    report.problems.append("line \(file.line): cannot write \(file.name) into the scratch folder: \(error)")
                    commandFailed = true
                }
                _ = say("  (the lab's fix of \(file.name) is in place)")
            }
            blocks: for block in step.blocks {
                switch block {
                case .commands(let commands):
                    for command in commands where !commandFailed {
                        let now = Clock.monotonicNanoseconds()
                        if now >= labDeadline { stop(labOverrun); break blocks }
                        if now >= stepDeadline {
                            report.problems.append("\(stepOverrun) (before line \(command.number))")
                            _ = say("  ✗ \(stepOverrun)")
                            commandFailed = true
                            break
                        }
                        _ = say("conclab> \(command.text)")
                        let limit: Watchdog.Limit = labDeadline <= stepDeadline ? .lab : .step
                        watchdog.arm(until: min(labDeadline, stepDeadline), limit: limit, command: command.text)
                        let outcome = session.execute(command.text)
                        let overrun = watchdog.disarm()
                        if let overrun {
                            _ = say("error: stopped: " + (overrun == .lab ? labOverrun : stepOverrun))
                            if overrun == .lab { stop("line \(command.number): '\(command.text)' was stopped: \(labOverrun)"); break blocks }
                            report.problems.append("line \(command.number): '\(command.text)' was stopped: \(stepOverrun)")
                            _ = say("  ✗ \(stepOverrun)")
                            commandFailed = true
                            continue
                        }
                        let text = outcome.failure.map { "error: \($0.message)" } ?? renderer.render(outcome.result)
                        if !text.isEmpty {
                            let shown = say(text)
                            transcript += shown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                        }
                        if outputFull {
                            stop("the lab printed more than \(Format.bytes(Double(limits.outputBytes))), the most a replayed lab may")
                            break blocks
                        }
                        let usage = Files.treeUsage(scratch, byteLimit: Int64(limits.scratchBytes), entryLimit: limits.scratchEntries)
                        if usage.bytes > Int64(limits.scratchBytes) || session.sandbox?.written.refused == true {
                            stop("the lab wrote more than \(Format.bytes(Double(limits.scratchBytes))) into its scratch folder, the most a replayed lab may")
                            break blocks
                        }
                        if usage.entries > limits.scratchEntries {
                            stop("the lab made more than \(limits.scratchEntries) files in its scratch folder, the most a replayed lab may")
                            break blocks
                        }
                        if let failure = outcome.failure {
                            report.problems.append("line \(command.number): '\(command.text)' failed: \(failure.message)")
                            _ = say("  ✗ the command failed")
                            commandFailed = true
                        }
                        last = outcome.result
                        segment.append((command.text, outcome.result))
                        commandsRun += 1
                        if let p = prediction, p.commandIndex == commandsRun - 1 {
                            prediction = nil
                            let (line, check) = judged(p, outcome.result)
                            _ = say(line)
                            if let check { report.checks.append(check) }
                        }
                    }
                case .checks(let checks), .goal(let checks):
                    defer { segment = [] }
                    guard !commandFailed else { continue }
                    if Clock.monotonicNanoseconds() >= labDeadline { stop(labOverrun); break blocks }
                    var judged = last
                    if case .goal = block {
                        // Any result of the segment may reach the goal: the first that does is judged, else the last.
                        let reached = segment.first { entry in checks.allSatisfy { CheckOutcome.evaluate($0, against: entry.result.fields).passed } }
                        judged = reached?.result ?? last
                        _ = say(reached.map { "  goal reached by '\($0.command)':" } ?? "  goal not reached by any of the step's commands:")
                    }
                    for check in checks {
                        let outcome = CheckOutcome.evaluate(check, against: judged.fields)
                        _ = say("  " + outcome.rendered)
                        // Where to look: the check's file and line, as a compiler names an error's.
                        if !outcome.passed { _ = say("    at \(lab.path):\(outcome.line)") }
                        report.checks.append(outcome)
                    }
                case .output(let expected):
                    guard !commandFailed else { continue }
                    for line in expected {
                        if Clock.monotonicNanoseconds() >= labDeadline { stop(labOverrun); break blocks }
                        let found = OutputSearch.find(line.text, in: transcript, budget: &matchBudget)
                        guard let found else {
                            stop("line \(line.number): matching output '\(line.text)' took more than the \(limits.matchSteps) steps a lab may use")
                            break blocks
                        }
                        _ = say("  " + (found ? "✓ output: " : "✗ output: ") + line.text)
                        if !found {
                            _ = say("    at \(lab.path):\(line.number)")
                            report.problems.append("line \(line.number): output '\(line.text)' did not appear")
                        }
                    }
                case .predict(let p):
                    prediction = p
                case .hint, .prose, .file:
                    break
                }
            }
            report.elapsedNanoseconds = Clock.monotonicNanoseconds() - stepStarted
            reports.append(report)
        }
        let failed = reports.filter { !$0.passed }
        var result = ReplayReport(lab: lab, status: failed.isEmpty ? .passed : .failed, skipReason: nil, steps: reports,
                                  elapsedNanoseconds: Clock.monotonicNanoseconds() - started)
        result.stoppedEarly = stopped != nil
        // The verdict is printed even past the output limit: it is one line, and the reader needs it.
        emit(result.verdictLine)
        return result
    }
}

extension LabReplayer {
    /// A step's prediction in replay: the lab's own answer beside what the command measured. A choice or a word the
    /// measurement contradicts fails like a check (the lab would teach something false); a number is only shown,
    /// since figures vary from machine to machine.
    static func judged(_ p: Prediction, _ result: LabResult) -> (String, CheckOutcome?) {
        let condition = "prediction: \(p.answer)"
        let measured: PredictionJudge.Measured
        do { measured = try PredictionJudge.measured(p, in: result.fields) } catch {
            let outcome = CheckOutcome(line: p.line, condition: condition, passed: false, detail: "\(error)")
            return ("  " + outcome.rendered, outcome)
        }
        let verdict = PredictionJudge.verdict(p.answer, measured, kind: p.kind)
        if p.kind == .number {
            // Replay's transcript is English, whatever the lab's language.
            return ("  ◇ prediction (the lab's answer): \(p.answer); measured: \(measured.text) (\(GuideStrings.en.verdict(verdict)))", nil)
        }
        let outcome = CheckOutcome(line: p.line, condition: condition, passed: verdict == .right, detail: "measured: \(measured.text)")
        return ("  " + outcome.rendered, outcome)
    }
}

/// Finds an ```output line in a step's transcript: a plain line as a substring of some transcript line, a line
/// ending in ` (re)` as a `LinePattern`. Both charge `budget` (bytes read, states visited); nil when it runs out.
package enum OutputSearch {
    package static func find(_ expected: String, in transcript: [String], budget: inout Int) -> Bool? {
        if expected.hasSuffix(" (re)") {
            guard let pattern = try? LinePattern(String(expected.dropLast(5))) else { return false }
            for line in transcript {
                guard let found = pattern.matches(line, budget: &budget) else { return nil }
                if found { return true }
            }
            return false
        }
        let needle = Array(expected.trimmed().utf8)
        for line in transcript {
            budget -= line.utf8.count + 1
            if budget < 0 { return nil }
            if contains(Array(line.utf8), needle) { return true }
        }
        return false
    }

    /// Knuth–Morris–Pratt: whether `needle` occurs in `haystack`, in time linear in both.
    package static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        if needle.isEmpty { return true }
        guard needle.count <= haystack.count else { return false }
        // fallback[i]: the length of the longest proper prefix of needle[0...i] that is also its suffix.
        var fallback = [Int](repeating: 0, count: needle.count)
        var k = 0
        for i in needle.indices.dropFirst() {
            while k > 0 && needle[i] != needle[k] { k = fallback[k - 1] }
            if needle[i] == needle[k] { k += 1 }
            fallback[i] = k
        }
        var matched = 0
        for byte in haystack {
            while matched > 0 && byte != needle[matched] { matched = fallback[matched - 1] }
            if byte == needle[matched] { matched += 1 }
            if matched == needle.count { return true }
        }
        return false
    }
}

/// The replay's clock for one lab: a thread that cancels the running command when its step's or the lab's time is
/// up. A command that ignores cancellation gets a grace period; then everything the lab started is ended (a
/// `thread join` or `proc wait` returns once what it waits for is gone); after a second one, `onStuck` is told.
final class Watchdog: Sendable {
    enum Limit: Sendable, Equatable { case step, lab }

    private struct State: Sendable {
        var deadline: Int64?
        var limit = Limit.step
        var command = ""
        var fired: Limit?
        var firedAt: Int64 = 0
        var endedObjects = false
        var reportedStuck = false
        var finished = false
    }

    private enum Action { case none, cancel, endObjects, stuck(String), finish }

    private let state = Locked(State())
    private let session: Session
    private let label: String
    private let grace: Int64
    private let onStuck: (@Sendable (String) -> Void)?

    init(session: Session, label: String, limits: ReplayLimits) {
        self.session = session
        self.label = label
        self.grace = Int64(limits.graceMilliseconds) * 1_000_000
        self.onStuck = limits.onStuck
    }

    func start() throws(OSError) {
        try OSThread.detach(name: "conclab-clock") { [self] in
            while true {
                System.sleep(nanoseconds: 10_000_000)
                switch self.next(now: Clock.monotonicNanoseconds()) {
                case .none: continue
                case .cancel: self.session.cancelRunning()
                case .endObjects:
                    self.session.cancelRunning()
                    self.session.shutdown()
                case .stuck(let message): self.onStuck?(message)
                case .finish: return
                }
            }
        }
    }

    private func next(now: Int64) -> Action {
        state.withLock { s -> Action in
            if s.finished { return .finish }
            guard let deadline = s.deadline, now >= deadline else { return .none }
            if s.fired == nil {
                s.fired = s.limit
                s.firedAt = now
            }
            if !s.endedObjects && now - s.firedAt >= grace {
                s.endedObjects = true
                return .endObjects
            }
            if !s.reportedStuck && now - s.firedAt >= 2 * grace {
                s.reportedStuck = true
                return .stuck("lab \(label): '\(s.command)' did not stop when its time ran out")
            }
            // Again at every tick: a cancel that came just before the command registered itself would be lost.
            return .cancel
        }
    }

    /// Watches the command about to run until `deadline` (monotonic nanoseconds).
    func arm(until deadline: Int64, limit: Limit, command: String) {
        state.withLock { s in
            s.deadline = deadline
            s.limit = limit
            s.command = command
            s.fired = nil
            s.endedObjects = false
            s.reportedStuck = false
        }
    }

    /// Stops watching; which limit ran out while the command ran, if one did.
    func disarm() -> Limit? {
        state.withLock { s in
            defer {
                s.deadline = nil
                s.fired = nil
            }
            return s.fired
        }
    }

    /// Ends the thread (at its next tick).
    func finish() {
        state.withLock { $0.finished = true }
    }
}

extension Expression {
    /// The non-literal sides of comparisons and arithmetic, outermost first: what a failed check should show.
    package var operands: [Expression] {
        switch self {
        case .binary(let op, let l, let r):
            if op == "and" || op == "or" { return l.operands + r.operands }
            return [l, r].filter { $0.sourceText != nil && !$0.isLiteral } + l.operands + r.operands
        case .unary(_, let e): return e.operands
        case .name, .member, .index: return [self]
        case .call(_, let args): return [self] + args.flatMap(\.operands)
        default: return []
        }
    }

    package var isLiteral: Bool { if case .literal = self { return true } else { return false } }

    /// The expression written back, for names, fields, indexes, calls and simple arithmetic.
    package var sourceText: String? {
        switch self {
        case .name(let n): return n
        case .member(let e, let f): return e.sourceText.map { $0 + "." + f }
        case .index(let e, let i): return e.sourceText.flatMap { base in i.sourceText.map { base + "[" + $0 + "]" } }
        case .literal(let v): return JSONRenderer.value(v)
        case .call(let f, let args):
            let parts = args.compactMap(\.sourceText)
            return parts.count == args.count ? f + "(" + parts.joined(separator: ", ") + ")" : nil
        case .binary(let op, let l, let r) where ["+", "-", "*", "/", "//", "%"].contains(op):
            return l.sourceText.flatMap { a in r.sourceText.map { a + " " + op + " " + $0 } }
        default: return nil
        }
    }
}

