import LabCore
import LabOS
/// A guided lab: Markdown with front matter, `##` steps, and fenced `conclab`, `check`, `goal`, `hint` and `output` blocks.
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
        /// Conditions any result of the commands since the previous check or goal block may reach (not only the last).
        case goal([LabLine])
        case hint(String)
        case output([LabLine])
        /// Text between the blocks, as written (Markdown): shown in its place among the commands.
        case prose(String)
        /// A question the learner answers (`lab predict VALUE`) before the command after the block measures it.
        case predict(Prediction)
        /// A file the step hands the learner to fix (```file NAME), or the lab's own fix of it (```solution NAME).
        case file(LabFileBlock)
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

    /// The files the step hands out (```file NAME) and the lab's fixes of them (```solution NAME).
    public var files: [LabFileBlock] {
        blocks.compactMap { if case .file(let f) = $0 { return f } else { return nil } }
    }

    /// The step's ```predict block, if it has one (a step has at most one).
    public var prediction: Prediction? {
        for block in blocks { if case .predict(let p) = block { return p } }
        return nil
    }

    /// Each check and goal block, in order, with the commands it judges.
    public var checkGroups: [CheckGroup] {
        var count = 0
        var segmentStart = 0
        var last: LabLine?
        var groups: [CheckGroup] = []
        for block in blocks {
            switch block {
            case .commands(let c):
                count += c.count
                last = c.last ?? last
            case .checks(let checks), .goal(let checks):
                var isGoal = false
                if case .goal = block { isGoal = true }
                groups.append(CheckGroup(command: last, commandIndex: count - 1, checks: checks, isGoal: isGoal,
                                         segment: segmentStart..<count))
                segmentStart = count
            default: break
            }
        }
        return groups
    }
}

/// A ```check block (its conditions hold on the result of the command just above it) or a ```goal block (they hold
/// on the result of any command of its segment: those since the previous check or goal block).
public struct CheckGroup: Sendable {
    /// The command just above the block.
    public var command: LabLine?
    /// That command's index among the step's commands.
    public var commandIndex: Int
    public var checks: [LabLine]
    public var isGoal: Bool
    /// The indices of the commands the block judges: for a check only `commandIndex` counts; a goal takes any of them.
    public var segment: Range<Int>

    /// Whether the result of the step's command at `index` is judged by this block.
    public func judges(_ index: Int) -> Bool { isGoal ? segment.contains(index) : index == commandIndex }
}

/// A fix-it file: ```file NAME is what the learner gets (guided mode writes it into the working folder, where they
/// edit it until the step's goal holds), ```solution NAME the lab's own fix (what replay writes into its scratch
/// folder instead, so the goal holds there). NAME is a plain file name.
public struct LabFileBlock: Sendable, Equatable {
    public var name: String
    public var text: String
    public var isSolution: Bool
    public var line: Int
}

/// A ```predict block: before the command that follows it runs, the learner commits to a number, one of a few
/// labelled choices, or one word (`lab predict VALUE`); after it ran the guide shows the prediction beside the figure.
///
/// ````markdown
/// ```predict
/// number: bytes_per_item        (or  word: state   or  choice a: lost == 0 / choice b: lost > 0, one a line)
/// answer: 8
/// ```
/// ````
/// `answer` is the lab's own answer: what replay predicts. The expression (or each choice's condition) reads the
/// result of the measuring command, like a check; labels are the same in both languages, only the prose that
/// explains them is translated.
public struct Prediction: Sendable, Equatable {
    public enum Kind: String, Sendable { case number, choice, word }
    public struct Option: Sendable, Equatable {
        public var label: String
        public var condition: String
    }
    public var kind: Kind
    /// For `number` and `word`: the expression whose value is the answer.
    public var expression: String
    /// For `choice`: each label with the condition that makes it the answer; the first that holds is.
    public var options: [Option]
    /// The lab's own answer.
    public var answer: String
    public var line: Int
    /// The index, among the step's commands, of the command whose result answers it: the first after the block.
    public var commandIndex: Int

    /// The block as lint compares twins: everything but the line.
    var signature: [String] {
        [kind.rawValue, expression, answer] + options.map { $0.label + ": " + $0.condition } + [String(commandIndex)]
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
    /// The steps: the front matter, the lab it describes, then the body line by line (steps, fenced blocks, prose).
    public static func parse(_ text: String, path: String, language: LabLanguage? = nil) throws(LabFileError) -> Lab {
        var reader = LabReader(text, path: path)
        let meta = try reader.frontMatter()
        var lab = try reader.lab(from: meta, language: language)
        try reader.body(into: &lab)
        return lab
    }
}

/// Reads one lab file from top to bottom; `line` is the index of the next line to read.
private struct LabReader {
    let lines: [String]
    let path: String
    var line = 1
    /// Prose read since the last block, and the step being read.
    var prose: [String] = []
    var step: LabStep?

    /// The fences whose content conclab reads; any other fence is prose shown to the reader and never run.
    static let kinds = ["conclab", "check", "goal", "hint", "output", "requires", "predict"]

    init(_ text: String, path: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }
        self.path = path
    }

    func fail(_ line: Int, _ reason: String) -> LabFileError { LabFileError(path: path, line: line, reason: reason) }

    /// The `key: value` lines between the two `---` lines, each with its line number.
    mutating func frontMatter() throws(LabFileError) -> [String: (String, Int)] {
        guard lines.first == "---" else { throw fail(1, "a lab starts with front matter: a line '---', then 'id: …', 'title: …', 'topic: …', 'minutes: …', then '---'") }
        var meta: [String: (String, Int)] = [:]
        while line < lines.count && lines[line] != "---" {
            let text = lines[line]
            if !text.trimmed().isEmpty {
                guard let colon = text.firstIndex(of: ":") else { throw fail(line + 1, "front matter lines are 'key: value', got '\(text)'") }
                let key = String(text[..<colon]).trimmed()
                guard ["id", "title", "topic", "minutes", "requires"].contains(key) else {
                    throw fail(line + 1, "unknown front matter key '\(key)' (known: id, title, topic, minutes, requires)")
                }
                meta[key] = (String(text[text.index(after: colon)...]).trimmed(), line + 1)
            }
            line += 1
        }
        guard line < lines.count else { throw fail(1, "front matter is not closed with a line '---'") }
        for key in ["id", "title", "topic", "minutes"] where meta[key] == nil || meta[key]!.0.isEmpty {
            throw fail(line + 1, "front matter has no '\(key):'")
        }
        line += 1
        return meta
    }

    /// The lab the front matter describes, with no steps yet.
    func lab(from meta: [String: (String, Int)], language: LabLanguage?) throws(LabFileError) -> Lab {
        let id = meta["id"]!.0
        guard id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }), id.first?.isLetter == true else {
            throw fail(meta["id"]!.1, "id '\(id)' must be letters, digits and '-', starting with a letter")
        }
        guard let minutes = Int(meta["minutes"]!.0), minutes > 0 else {
            throw fail(meta["minutes"]!.1, "minutes must be a whole number, got '\(meta["minutes"]!.0)'")
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
        return Lab(id: id, title: meta["title"]!.0, topic: meta["topic"]!.0, minutes: minutes, requires: requires,
                   language: language ?? folder, path: path, introduction: "", steps: [])
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

    /// The body: `## ` starts a step, a fence is a block of the step (or prose), anything else is prose.
    mutating func body(into lab: inout Lab) throws(LabFileError) {
        while line < lines.count {
            let text = lines[line]
            if text.hasPrefix("## ") {
                try finishStep(into: &lab)
                step = LabStep(title: String(text.dropFirst(3)).trimmed(), line: line + 1, prose: "", blocks: [])
                line += 1
            } else if text.hasPrefix("```") {
                try fence(into: &lab)
            } else {
                prose.append(text)
                line += 1
            }
        }
        try finishStep(into: &lab)
        guard !lab.steps.isEmpty else { throw fail(lines.count, "a lab needs at least one '## ' step") }
    }

    /// A fenced block: its lines up to the closing fence, added to the current step (or to the prose).
    mutating func fence(into lab: inout Lab) throws(LabFileError) {
        var language = String(lines[line].dropFirst(3)).trimmed()
        let start = line + 1
        // ```file NAME and ```solution NAME carry a file name after the kind.
        var fileName: String?
        if let space = language.firstIndex(of: " "), ["file", "solution"].contains(String(language[..<space])) {
            fileName = String(language[language.index(after: space)...]).trimmed()
            language = String(language[..<space])
        }
        var body: [LabLine] = []
        line += 1
        while line < lines.count && !lines[line].hasPrefix("```") {
            body.append(LabLine(number: line + 1, text: lines[line]))
            line += 1
        }
        guard line < lines.count else { throw fail(start, "the ```\(language) block is not closed") }
        line += 1
        if let fileName {
            guard step != nil else { throw fail(start, "a ```\(language) block must be inside a '## ' step") }
            guard !fileName.isEmpty, fileName.count <= 64, fileName.first != ".",
                  fileName.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }) else {
                throw fail(start, "'\(fileName)' is not a plain file name (letters, digits, '_', '-', '.'; no folders)")
            }
            flushProse(into: &lab)
            guard var s = step else { return }
            let isSolution = language == "solution"
            if s.files.contains(where: { $0.name == fileName && $0.isSolution == isSolution }) {
                throw fail(start, "step '\(s.title)' already has a ```\(language) \(fileName) block")
            }
            s.blocks.append(.file(LabFileBlock(name: fileName, text: body.map(\.text).joined(separator: "\n") + "\n",
                                               isSolution: isSolution, line: start)))
            step = s
            return
        }
        guard Self.kinds.contains(language) else {
            prose.append("```\(language)")
            prose += body.map(\.text)
            prose.append("```")
            return
        }
        guard step != nil else { throw fail(start, "a ```\(language) block must be inside a '## ' step") }
        flushProse(into: &lab)
        guard var s = step else { return }
        try add(language, body: body, start: start, to: &s)
        step = s
    }

    /// One block the step reads, checked as it is added.
    func add(_ language: String, body: [LabLine], start: Int, to s: inout LabStep) throws(LabFileError) {
        let content = body.filter { !$0.text.trimmed().isEmpty }
        switch language {
        case "conclab":
            let commands = content.map { LabLine(number: $0.number, text: $0.text.trimmed()) }.filter { !$0.text.hasPrefix("#") }
            if commands.isEmpty { throw fail(start, "empty ```conclab block") }
            s.blocks.append(.commands(commands))
        case "check", "goal":
            if s.commands.isEmpty { throw fail(start, "a ```\(language) block needs a ```conclab block before it in the step") }
            if content.isEmpty { throw fail(start, "empty ```\(language) block") }
            for c in content {
                do { _ = try Expression(parsing: c.text.trimmed()) } catch {
                    throw fail(c.number, "bad \(language) '\(c.text.trimmed())': \(error)")
                }
            }
            let conditions = content.map { LabLine(number: $0.number, text: $0.text.trimmed()) }
            s.blocks.append(language == "goal" ? .goal(conditions) : .checks(conditions))
        case "hint":
            s.blocks.append(.hint(body.map(\.text).joined(separator: "\n").trimmed()))
        case "predict":
            if let earlier = s.prediction { throw fail(start, "step '\(s.title)' already has a ```predict block (line \(earlier.line))") }
            s.blocks.append(.predict(try prediction(content, start: start, commandIndex: s.commands.count)))
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
    }

    /// A ```predict block: `number: EXPR`, `word: EXPR` or two or more `choice LABEL: CONDITION` lines, and `answer: …`.
    func prediction(_ content: [LabLine], start: Int, commandIndex: Int) throws(LabFileError) -> Prediction {
        var kind: Prediction.Kind?
        var expression = ""
        var options: [Prediction.Option] = []
        var answer: String?
        func parsed(_ text: String, _ line: Int) throws(LabFileError) -> String {
            let text = text.trimmed()
            do { _ = try Expression(parsing: text) } catch { throw fail(line, "bad predict expression '\(text)': \(error)") }
            return text
        }
        for item in content {
            let text = item.text.trimmed()
            guard let colon = text.firstIndex(of: ":") else {
                throw fail(item.number, "a ```predict line is 'number: EXPR', 'word: EXPR', 'choice LABEL: CONDITION' or 'answer: VALUE'")
            }
            let key = String(text[..<colon]).trimmed(), value = String(text[text.index(after: colon)...]).trimmed()
            let words = key.split(separator: " ").map(String.init)
            if key == "answer" {
                guard answer == nil, !value.isEmpty, !value.contains(" ") else { throw fail(item.number, "a ```predict block has one answer, one word") }
                answer = value
            } else if key == "number" || key == "word" {
                guard kind == nil else { throw fail(item.number, "a ```predict block asks one question") }
                kind = key == "number" ? .number : .word
                expression = try parsed(value, item.number)
            } else if words.count == 2, words[0] == "choice", words[1].allSatisfy({ $0.isLetter || $0.isNumber }) {
                guard kind == nil || kind == .choice else { throw fail(item.number, "a ```predict block asks one question") }
                guard !options.contains(where: { $0.label == words[1] }) else { throw fail(item.number, "choice '\(words[1])' is listed twice") }
                kind = .choice
                options.append(.init(label: words[1], condition: try parsed(value, item.number)))
            } else {
                throw fail(item.number, "unknown ```predict line '\(key):' (number, word, choice LABEL, answer)")
            }
        }
        guard let kind else { throw fail(start, "a ```predict block needs 'number: EXPR', 'word: EXPR' or 'choice LABEL: CONDITION' lines") }
        guard let answer else { throw fail(start, "a ```predict block needs 'answer: VALUE', the lab's own answer (replay uses it)") }
        switch kind {
        case .choice:
            guard options.count >= 2 else { throw fail(start, "a choice needs at least two 'choice LABEL: CONDITION' lines") }
            guard options.contains(where: { $0.label == answer }) else {
                throw fail(start, "the answer '\(answer)' is none of the choices (\(options.map(\.label).joined(separator: ", ")))")
            }
        case .number:
            guard PredictionJudge.number(answer) != nil else { throw fail(start, "the answer of a number prediction must be a number, got '\(answer)'") }
        case .word: break
        }
        return Prediction(kind: kind, expression: expression, options: options, answer: answer, line: start, commandIndex: commandIndex)
    }

    /// Prose read so far goes to the step being read, or (before the first step) to the introduction.
    mutating func flushProse(into lab: inout Lab) {
        // Before the first step, a '# ' heading is the title (already in the front matter).
        let text = prose.filter { step != nil || !$0.hasPrefix("# ") }.joined(separator: "\n").trimmed()
        prose = []
        guard !text.isEmpty else { return }
        if var s = step {
            s.prose += (s.prose.isEmpty ? "" : "\n\n") + text
            s.blocks.append(.prose(text))
            step = s
        } else {
            lab.introduction += (lab.introduction.isEmpty ? "" : "\n\n") + text
        }
    }

    /// Ends the step being read: it must have commands.
    mutating func finishStep(into lab: inout Lab) throws(LabFileError) {
        flushProse(into: &lab)
        guard let s = step else { return }
        if s.commands.isEmpty { throw fail(s.line, "step '\(s.title)' has no ```conclab block of commands") }
        for file in s.files where file.isSolution && !s.files.contains(where: { !$0.isSolution && $0.name == file.name }) {
            throw fail(file.line, "a ```solution \(file.name) block needs the ```file \(file.name) block it fixes")
        }
        for file in s.files where !file.isSolution {
            guard s.files.contains(where: { $0.isSolution && $0.name == file.name }) else {
                throw fail(file.line, "a ```file \(file.name) block needs a ```solution \(file.name) block: replay runs the lab's own fix")
            }
            guard s.checkGroups.contains(where: \.isGoal) else {
                throw fail(file.line, "a step that hands out a file to fix needs a ```goal block: what the fixed file must reach")
            }
        }
        if let p = s.prediction, p.commandIndex >= s.commands.count {
            throw fail(p.line, "a ```predict block needs a ```conclab block after it in the step: the command that measures it")
        }
        lab.steps.append(s)
        step = nil
    }
}

