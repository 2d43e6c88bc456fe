import LabCore

/// `replay --twins-once`: the second lab of an en/ru pair judged on the run of the first.
///
/// Twins that run the same commands, in the same blocks, with the same checks, goals, expected output, predictions,
/// files and requirements (more than lint asks: the blocks' order too, since a check judges the command before it)
/// would only measure the machine again if both were replayed. The second twin's checks are the first's, line for
/// line, read against the same results: its report is the first's with each line number, step title and path its own.
/// Twins that differ in any of this are replayed on their own.
public enum TwinReplay {
    /// What replay does with one step, as comparable text, and each of its line numbers in document order.
    private struct Shape: Equatable {
        var parts: [String] = []
        var lines: [Int] = []
        static func == (a: Shape, b: Shape) -> Bool { a.parts == b.parts && a.lines.count == b.lines.count }
    }

    private static func shape(_ lab: Lab) -> [Shape] {
        lab.steps.map { step in
            var shape = Shape()
            shape.parts.append("requires " + step.requires.map(\.description).sorted().joined(separator: ", "))
            shape.lines.append(step.line)
            shape.lines.append(step.requiresLine ?? 0)
            for block in step.blocks {
                switch block {
                case .commands(let lines), .checks(let lines), .goal(let lines), .output(let lines):
                    let kind: String
                    switch block {
                    case .commands: kind = "commands"
                    case .checks: kind = "checks"
                    case .goal: kind = "goal"
                    default: kind = "output"
                    }
                    shape.parts.append(kind)
                    for line in lines {
                        shape.parts.append(line.text)
                        shape.lines.append(line.number)
                    }
                case .predict(let p):
                    shape.parts.append("predict")
                    shape.parts += p.signature
                    shape.lines.append(p.line)
                case .file(let f):
                    shape.parts += [f.isSolution ? "solution" : "file", f.name, f.text]
                    shape.lines.append(f.line)
                case .hint, .prose:
                    break
                }
            }
            return shape
        }
    }

    /// The report of `twin` judged on `run` (a replay of its twin), or nil when the two differ in what replay does.
    public static func judge(_ twin: Lab, on run: ReplayReport) -> ReplayReport? {
        let original = run.lab
        guard twin.id == original.id, twin.path != original.path, twin.requires.sorted(by: { $0.description < $1.description })
                == original.requires.sorted(by: { $0.description < $1.description }) else { return nil }
        let a = shape(original), b = shape(twin)
        guard a == b else { return nil }
        var lineOf: [Int: Int] = [:]
        for (sa, sb) in zip(a, b) {
            for (la, lb) in zip(sa.lines, sb.lines) where la != 0 { lineOf[la] = lb }
        }
        var report = run
        report.lab = twin
        report.judgedOn = original.path
        report.elapsedNanoseconds = 0
        for i in report.steps.indices {
            let index = report.steps[i].index - 1
            if twin.steps.indices.contains(index) { report.steps[i].title = twin.steps[index].title }
            report.steps[i].elapsedNanoseconds = 0
            for c in report.steps[i].checks.indices {
                report.steps[i].checks[c].line = lineOf[report.steps[i].checks[c].line] ?? report.steps[i].checks[c].line
            }
            report.steps[i].problems = report.steps[i].problems.map { renumbered($0, lineOf) }
        }
        return report
    }

    /// `line 123` in a problem's sentence, as the twin numbers it.
    package static func renumbered(_ sentence: String, _ lineOf: [Int: Int]) -> String {
        let marker = Array("line ")
        let chars = Array(sentence)
        var out = ""
        var i = 0
        while i < chars.count {
            if i + marker.count <= chars.count, Array(chars[i..<i + marker.count]) == marker {
                out += String(marker)
                i += marker.count
                var j = i
                while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 }
                if j > i, let n = Int(String(chars[i..<j])) {
                    out += String(lineOf[n] ?? n)
                    i = j
                }
                continue
            }
            out.append(chars[i])
            i += 1
        }
        return out
    }

    /// The transcript lines of a judged twin: where its results come from, then each step's checks.
    public static func transcript(_ report: ReplayReport) -> [String] {
        var lines = ["━━ \(report.lab.id) (\(report.lab.language)): \(report.lab.title) — \(report.lab.path)",
                     "   judged on the run of \(report.judgedOn ?? "its twin"): the same commands, checks, predictions and files"]
        for step in report.steps {
            lines.append("── step \(step.index)/\(report.lab.steps.count): \(step.title)")
            if let reason = step.skipReason { lines.append("– step \(step.index) skipped: \(reason)") }
            for check in step.checks {
                lines.append("  " + check.rendered)
                if !check.passed { lines.append("    at \(report.lab.path):\(check.line)") }
            }
            for problem in step.problems { lines.append("  ✗ \(problem)") }
        }
        lines.append(report.verdictLine)
        return lines
    }
}
