import LabOS
import LabCore

/// The result of checking one condition against a result.
public struct CheckOutcome: Sendable, Equatable {
    public var line: Int
    public var condition: String
    public var passed: Bool
    /// The values the condition read ("lost = 0"), or the error that stopped it.
    public var detail: String
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
            return CheckOutcome(line: condition.number, condition: condition.text, passed: false, detail: "\(error)")
        }
    }

    /// The outcome as the note a guided session shows under the command.
    public var note: Note { .check(passed: passed, text: condition + (detail.isEmpty ? "" : "   (\(detail))")) }

    public var rendered: String {
        (passed ? "✓ " : "✗ ") + condition + (detail.isEmpty ? "" : "   (\(detail))")
    }
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

    public var checkCount: Int { steps.reduce(0) { $0 + $1.checks.count } }
    public var failedCount: Int { steps.reduce(0) { $0 + $1.checks.filter { !$0.passed }.count + $1.problems.count } }
    public var skippedStepCount: Int { steps.filter(\.skipped).count }

    public var json: Record {
        Record([
            ("id", .string(lab.id)), ("language", .string(lab.language.rawValue)), ("path", .string(lab.path)),
            ("status", .string(status.rawValue)), ("skip_reason", skipReason.map(Value.string) ?? .null),
            ("checks", .int(checkCount)), ("failed", .int(failedCount)), ("skipped_steps", .int(skippedStepCount)),
            ("elapsed_ms", .ms(elapsedNanoseconds)),
            ("steps", .list(steps.map { step in
                .record(Record([("step", .int(step.index)), ("title", .string(step.title)), ("passed", .bool(step.passed)),
                                ("skipped", .bool(step.skipped)), ("skip_reason", step.skipReason.map(Value.string) ?? .null),
                                ("problems", .list(step.problems.map(Value.string))),
                                ("checks", .list(step.checks.map { c in
                                    .record(Record([("line", .int(c.line)), ("condition", .string(c.condition)),
                                                    ("passed", .bool(c.passed)), ("detail", .string(c.detail))]))
                                }))]))
            })),
        ])
    }
}

/// Runs labs without a person: each step's commands in a fresh, sandboxed session, then its checks.
public enum LabReplayer {
    /// Replays `lab`; transcript lines go to `emit` as they happen, their control characters shown escaped (a lab's
    /// text, its commands and what they print are someone else's data: none of it may drive the terminal).
    public static func replay(_ lab: Lab, registry: Registry, emit sink: (String) -> Void) -> ReplayReport {
        func emit(_ line: String) { sink(line.escapingControlCharacters()) }
        let started = Clock.monotonicNanoseconds()
        if let reason = LabCatalog.unmetRequirement(lab) {
            emit("○ \(lab.id) (\(lab.language)) skipped: \(reason)")
            return ReplayReport(lab: lab, status: .skipped, skipReason: reason, steps: [], elapsedNanoseconds: 0)
        }
        let scratch: String
        do { scratch = try Files.makeTemporaryDirectory(prefix: "conclab-lab-\(lab.id)") } catch {
            emit("✗ \(lab.id): \(error)")
            let step = StepReport(index: 0, title: "setup", checks: [], problems: ["\(error)"])
            return ReplayReport(lab: lab, status: .failed, skipReason: nil, steps: [step], elapsedNanoseconds: 0)
        }
        let session = Session(registry: registry, settings: Settings(language: lab.language),
                              sandbox: Sandbox(scratchDirectory: scratch))
        defer {
            session.shutdown()
            Files.removeTree(scratch)
        }
        let renderer = HumanRenderer(color: false)
        emit("━━ \(lab.id) (\(lab.language)): \(lab.title) — \(lab.path)")
        var reports: [StepReport] = []
        for (offset, step) in lab.steps.enumerated() {
            emit("── step \(offset + 1)/\(lab.steps.count): \(step.title)")
            var report = StepReport(index: offset + 1, title: step.title, checks: [], problems: [])
            if let reason = LabCatalog.unmetRequirement(step.requires) {
                // Nothing of the step runs: its checks would only measure the machine it was not written for.
                emit("– step \(offset + 1) skipped: \(reason)")
                report.skipReason = reason
                reports.append(report)
                continue
            }
            var last: LabResult = .nothing
            var transcript: [String] = []
            var commandFailed = false
            for block in step.blocks {
                switch block {
                case .commands(let commands):
                    for command in commands where !commandFailed {
                        emit("conclab> \(command.text)")
                        let outcome = session.execute(command.text)
                        let text = outcome.failure.map { "error: \($0.message)" } ?? renderer.render(outcome.result)
                        if !text.isEmpty {
                            emit(text)
                            transcript += text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                        }
                        if let failure = outcome.failure {
                            report.problems.append("line \(command.number): '\(command.text)' failed: \(failure.message)")
                            emit("  ✗ the command failed")
                            commandFailed = true
                        }
                        last = outcome.result
                    }
                case .checks(let checks):
                    guard !commandFailed else { continue }
                    for check in checks {
                        let outcome = CheckOutcome.evaluate(check, against: last.fields)
                        emit("  " + outcome.rendered)
                        report.checks.append(outcome)
                    }
                case .output(let expected):
                    guard !commandFailed else { continue }
                    for line in expected {
                        let found: Bool
                        if line.text.hasSuffix(" (re)"), let regex = try? Regex(String(line.text.dropLast(5))) {
                            found = transcript.contains { $0.firstMatch(of: regex) != nil }
                        } else {
                            found = transcript.contains { $0.contains(line.text.trimmed()) }
                        }
                        emit("  " + (found ? "✓ output: " : "✗ output: ") + line.text)
                        if !found { report.problems.append("line \(line.number): output '\(line.text)' did not appear") }
                    }
                case .hint:
                    break
                }
            }
            reports.append(report)
        }
        let failed = reports.filter { !$0.passed }
        let result = ReplayReport(lab: lab, status: failed.isEmpty ? .passed : .failed, skipReason: nil, steps: reports,
                                  elapsedNanoseconds: Clock.monotonicNanoseconds() - started)
        let skippedNote = result.skippedStepCount == 0 ? "" : ", \(result.skippedStepCount) step\(result.skippedStepCount == 1 ? "" : "s") skipped"
        if failed.isEmpty {
            emit("✓ \(lab.id) (\(lab.language)): \(result.checkCount) checks passed" + skippedNote)
        } else {
            let names = failed.map { "step \($0.index) '\($0.title)'" }.joined(separator: ", ")
            emit("✗ \(lab.id) (\(lab.language)): \(result.failedCount) failed in \(names)" + skippedNote)
        }
        return result
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

