import LabCore
import LabOS
/// A guided lab: Markdown with front matter, `##` steps, and fenced `conclab`, `check`, `hint` and `output` blocks.
/// Labs are executable documentation: the learner follows them in the shell and the test suite replays them.
public struct Lab: Sendable {
    public var id: String
    public var title: String
    public var topic: String
    public var minutes: Int
    public var requires: [LabRequirement]
    /// The language the lab is written in: its folder's (`Labs/ru/…`), English for a folder that names none.
    public var language: LabLanguage
    public var path: String
    public var introduction: String
    public var steps: [LabStep]

    /// The seconds replay allows the whole lab: its front matter's `timeout: N`, else the default.
    public var timeLimitSeconds: Int { requires.timeoutSeconds ?? LabTimeLimit.labDefaultSeconds }
}

/// What a lab, or one of its steps, needs from the machine. In the front matter an unmet requirement makes replay
/// skip the lab; in a step's ```requires block it skips only that step.
///
/// `timeout: N` is met everywhere: it is the time replay allows (N seconds for a step, or for the whole lab in the
/// front matter), for the few steps that need more than `LabTimeLimit`'s defaults.
public enum LabRequirement: Sendable, Hashable, CustomStringConvertible {
    case program(String)
    case cores(Int)
    case timeout(seconds: Int)

    public var description: String {
        switch self {
        case .program(let name): return name
        case .cores(let n): return "cores: \(n)"
        case .timeout(let seconds): return "timeout: \(seconds)"
        }
    }
}

/// How long replay lets a step and a whole lab run, and the most a lab may ask for with `timeout: N`.
/// A lab is someone else's file: without a limit one `sleep 86400000` would hold replay for a day.
public enum LabTimeLimit {
    public static let stepDefaultSeconds = 60
    public static let stepMaxSeconds = 600
    public static let labDefaultSeconds = 300
    public static let labMaxSeconds = 1_800
}

extension [LabRequirement] {
    /// The seconds a `timeout: N` item allows, if there is one.
    var timeoutSeconds: Int? {
        for item in self { if case .timeout(let seconds) = item { return seconds } }
        return nil
    }
}

/// A line of a lab file with its line number (1-based), for error messages.
public struct LabLine: Sendable, Equatable {
    public var number: Int
    public var text: String
}

public struct LabStep: Sendable {
    /// A piece of a step, in document order: checks apply to the last command before them.
    public enum Block: Sendable {
        case commands([LabLine])
        case checks([LabLine])
        case hint(String)
        case output([LabLine])
    }

    public var title: String
    public var line: Int
    public var prose: String
    public var blocks: [Block]
    /// What this step alone needs (its ```requires block); when unmet, replay skips the step and guided mode counts it done.
    public var requires: [LabRequirement] = []
    /// The line of the ```requires fence, for lint's twin reports.
    public var requiresLine: Int?

    /// The seconds replay allows this step: its ```requires block's `timeout: N`, else the default.
    public var timeLimitSeconds: Int { requires.timeoutSeconds ?? LabTimeLimit.stepDefaultSeconds }

    public var commands: [LabLine] {
        blocks.flatMap { if case .commands(let c) = $0 { return c } else { return [] } }
    }

    public var hints: [String] {
        blocks.compactMap { if case .hint(let h) = $0 { return h } else { return nil } }
    }

    /// Each check block with the command it follows.
    public var checkGroups: [(command: LabLine?, checks: [LabLine])] {
        var last: LabLine?
        var groups: [(LabLine?, [LabLine])] = []
        for block in blocks {
            switch block {
            case .commands(let c): last = c.last ?? last
            case .checks(let checks): groups.append((last, checks))
            default: break
            }
        }
        return groups
    }
}

/// A mistake in a lab file: the file, the line and the reason.
public struct LabFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var reason: String

    public init(path: String, line: Int, reason: String) {
        self.path = path
        self.line = line
        self.reason = reason
    }

    public var description: String { "\(path):\(line): \(reason)" }
}

public enum LabParser {
    /// Parses a lab file. `language` defaults to the folder's (`Labs/ru/…` → ru).
    public static func parse(_ text: String, path: String, language: LabLanguage? = nil) throws(LabFileError) -> Lab {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }
        func fail(_ line: Int, _ reason: String) -> LabFileError { LabFileError(path: path, line: line, reason: reason) }
        guard lines.first == "---" else { throw fail(1, "a lab starts with front matter: a line '---', then 'id: …', 'title: …', 'topic: …', 'minutes: …', then '---'") }
        var meta: [String: (String, Int)] = [:]
        var i = 1
        while i < lines.count && lines[i] != "---" {
            let line = lines[i]
            if !line.trimmed().isEmpty {
                guard let colon = line.firstIndex(of: ":") else { throw fail(i + 1, "front matter lines are 'key: value', got '\(line)'") }
                let key = String(line[..<colon]).trimmed()
                guard ["id", "title", "topic", "minutes", "requires"].contains(key) else {
                    throw fail(i + 1, "unknown front matter key '\(key)' (known: id, title, topic, minutes, requires)")
                }
                meta[key] = (String(line[line.index(after: colon)...]).trimmed(), i + 1)
            }
            i += 1
        }
        guard i < lines.count else { throw fail(1, "front matter is not closed with a line '---'") }
        for key in ["id", "title", "topic", "minutes"] where meta[key] == nil || meta[key]!.0.isEmpty {
            throw fail(i + 1, "front matter has no '\(key):'")
        }
        let id = meta["id"]!.0
        guard id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }), id.first?.isLetter == true else {
            throw fail(meta["id"]!.1, "id '\(id)' must be letters, digits and '-', starting with a letter")
        }
        guard let minutes = Int(meta["minutes"]!.0), minutes > 0 else {
            throw fail(meta["minutes"]!.1, "minutes must be a whole number, got '\(meta["minutes"]!.0)'")
        }
        /// One requirement as the front matter and ```requires blocks write it: `cores: N`, `timeout: SECONDS`
        /// (at most `maxSeconds`) or a program name.
        func requirement(_ item: String, line: Int, maxSeconds: Int, scope: String) throws(LabFileError) -> LabRequirement {
            // `timeout` alone is still a program (coreutils has one); `timeout:` is the time limit.
            if item.hasPrefix("timeout"), case let rest = String(item.dropFirst(7)).trimmed(), rest.hasPrefix(":") {
                guard let seconds = Int(String(rest.dropFirst()).trimmed()), seconds > 0 else {
                    throw fail(line, "write the time limit as 'timeout: SECONDS'")
                }
                guard seconds <= maxSeconds else {
                    throw fail(line, "timeout: \(seconds) is more than \(scope) may ask for (at most \(maxSeconds) seconds)")
                }
                return .timeout(seconds: seconds)
            }
            if item.hasPrefix("cores") {
                // Exactly `cores: N`: a stray word after the number ("cores: 2, python3" on one line) is a mistake, not ignored.
                let rest = String(item.dropFirst(5)).trimmed()
                guard rest.hasPrefix(":"), let cores = Int(String(rest.dropFirst()).trimmed()), cores > 0 else {
                    throw fail(line, "write the cores requirement as 'cores: N'")
                }
                return .cores(cores)
            } else if item.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) {
                return .program(item)
            }
            throw fail(line, "unknown requirement '\(item)' (a program name such as python3, 'cores: N' or 'timeout: SECONDS')")
        }
        var requires: [LabRequirement] = []
        if let (value, line) = meta["requires"] {
            for item in value.split(separator: ",").map({ String($0).trimmed() }) where !item.isEmpty {
                let parsed = try requirement(item, line: line, maxSeconds: LabTimeLimit.labMaxSeconds, scope: "a lab")
                if case .timeout = parsed, requires.timeoutSeconds != nil { throw fail(line, "requires names a timeout twice") }
                requires.append(parsed)
            }
        }
        let folder = path.split(separator: "/").dropLast().last.flatMap { LabLanguage(rawValue: String($0)) } ?? .en
        var lab = Lab(id: id, title: meta["title"]!.0, topic: meta["topic"]!.0, minutes: minutes, requires: requires,
                      language: language ?? folder, path: path, introduction: "", steps: [])
        i += 1
        var prose: [String] = []
        var step: LabStep?
        func flushProse() {
            // Before the first step, a '# ' heading is the title (already in the front matter).
            let text = prose.filter { step != nil || !$0.hasPrefix("# ") }.joined(separator: "\n").trimmed()
            prose = []
            guard !text.isEmpty else { return }
            if var s = step {
                s.prose += (s.prose.isEmpty ? "" : "\n\n") + text
                step = s
            } else {
                lab.introduction += (lab.introduction.isEmpty ? "" : "\n\n") + text
            }
        }
        func finishStep() throws(LabFileError) {
            flushProse()
            guard let s = step else { return }
            if s.commands.isEmpty { throw fail(s.line, "step '\(s.title)' has no ```conclab block of commands") }
            lab.steps.append(s)
            step = nil
        }
        while i < lines.count {
            let line = lines[i]
            if line.hasPrefix("## ") {
                try finishStep()
                step = LabStep(title: String(line.dropFirst(3)).trimmed(), line: i + 1, prose: "", blocks: [])
                i += 1
                continue
            }
            if line.hasPrefix("```") {
                let language = String(line.dropFirst(3)).trimmed()
                let start = i + 1
                var body: [LabLine] = []
                i += 1
                while i < lines.count && !lines[i].hasPrefix("```") {
                    body.append(LabLine(number: i + 1, text: lines[i]))
                    i += 1
                }
                guard i < lines.count else { throw fail(start, "the ```\(language) block is not closed") }
                i += 1
                let content = body.filter { !$0.text.trimmed().isEmpty }
                let kinds = ["conclab", "check", "hint", "output", "requires"]
                guard kinds.contains(language) else {
                    // Any other fence is shown to the reader and never run.
                    prose.append("```\(language)")
                    prose += body.map(\.text)
                    prose.append("```")
                    continue
                }
                guard step != nil else { throw fail(start, "a ```\(language) block must be inside a '## ' step") }
                flushProse()
                guard var s = step else { continue }
                switch language {
                case "conclab":
                    let commands = content.map { LabLine(number: $0.number, text: $0.text.trimmed()) }.filter { !$0.text.hasPrefix("#") }
                    if commands.isEmpty { throw fail(start, "empty ```conclab block") }
                    s.blocks.append(.commands(commands))
                case "check":
                    if s.commands.isEmpty { throw fail(start, "a ```check block needs a ```conclab block before it in the step") }
                    for c in content {
                        do { _ = try Expression(parsing: c.text.trimmed()) } catch {
                            throw fail(c.number, "bad check '\(c.text.trimmed())': \(error)")
                        }
                    }
                    s.blocks.append(.checks(content.map { LabLine(number: $0.number, text: $0.text.trimmed()) }))
                case "hint":
                    s.blocks.append(.hint(body.map(\.text).joined(separator: "\n").trimmed()))
                case "requires":
                    // Decided before any command runs, so it must precede them; one block keeps the step's needs in one place.
                    if let earlier = s.requiresLine { throw fail(start, "step '\(s.title)' already has a ```requires block (line \(earlier))") }
                    if !s.commands.isEmpty { throw fail(start, "a ```requires block must come before the step's first ```conclab block") }
                    if content.isEmpty { throw fail(start, "empty ```requires block") }
                    for item in content {
                        let parsed = try requirement(item.text.trimmed(), line: item.number, maxSeconds: LabTimeLimit.stepMaxSeconds, scope: "a step")
                        if case .timeout = parsed, s.requires.timeoutSeconds != nil { throw fail(item.number, "the ```requires block names a timeout twice") }
                        s.requires.append(parsed)
                    }
                    s.requiresLine = start
                default:
                    for o in content where o.text.hasSuffix(" (re)") {
                        let pattern = String(o.text.dropLast(5))
                        do { _ = try LinePattern(pattern) } catch { throw fail(o.number, "bad regular expression '\(pattern)': \(error)") }
                    }
                    s.blocks.append(.output(content))
                }
                step = s
                continue
            }
            prose.append(line)
            i += 1
        }
        try finishStep()
        guard !lab.steps.isEmpty else { throw fail(lines.count, "a lab needs at least one '## ' step") }
        return lab
    }
}

