/// What an argument or a flag's value is; drives parsing, validation, help and Tab completion.
public enum ArgumentKind: Sendable, Equatable {
    case word
    case integer
    case number
    case choice([String])
    /// A live object's handle, optionally of one kind only.
    case handle(ObjectKind?)
    case path
    /// A conclab command line (for `time`, `bench`).
    case command
    case expression
    /// Free text: the rest of the line.
    case text
    /// A lab id (completed from the labs folder).
    case lab

    package var placeholderHint: String {
        switch self {
        case .choice(let options): return options.joined(separator: "|")
        default: return ""
        }
    }
}

/// A positional argument.
public struct ArgumentSpec: Sendable {
    public var name: String
    public var kind: ArgumentKind
    public var optional: Bool
    /// Takes every remaining word.
    public var variadic: Bool
    /// Code (a Python snippet): once it has started, the rest of the line is its text as typed: no option, no `|`
    /// and no `#` after its first word belongs to the shell.
    public var verbatim: Bool
    public var help: String

    public init(_ name: String, _ kind: ArgumentKind = .word, optional: Bool = false, variadic: Bool = false,
                verbatim: Bool = false, help: String = "") {
        self.name = name
        self.kind = kind
        self.optional = optional
        self.variadic = variadic
        self.verbatim = verbatim
        self.help = help
    }
}

/// A `--flag` (boolean when `value` is nil) or `--flag VALUE`.
public struct FlagSpec: Sendable {
    public var name: String
    public var short: Character?
    public var value: ArgumentKind?
    public var valueName: String
    public var help: String

    public init(_ name: String, short: Character? = nil, value: ArgumentKind? = nil, valueName: String = "", help: String) {
        self.name = name
        self.short = short
        self.value = value
        self.valueName = valueName.isEmpty ? name.uppercased() : valueName
        self.help = help
    }
}

/// A field of a command's result that lab checks and `where` read, declared beside the command that fills it:
/// `help COMMAND` lists the declarations, and a test runs each command's examples and fails when a result carries a
/// field its command does not declare, or lacks one it declares as always there.
public struct FieldSpec: Sendable, Equatable {
    public var name: String
    /// The unit of its number; by default the one its name ends in (`_ms`, `_ns`, `_us`, `_bytes`, `_pct`).
    public var unit: Unit?
    /// One line: what it holds.
    public var meaning: String
    /// A column of the table the command returns: a check reads it as `rows[0].NAME`.
    public var isColumn: Bool
    /// Only in some results (an option given, a case met); the meaning says when.
    public var isOccasional: Bool

    public init(_ name: String, _ meaning: String, unit: Unit? = nil, column: Bool = false, occasional: Bool = false) {
        self.name = name
        self.unit = unit ?? FieldSpec.unit(named: name)
        self.meaning = meaning
        self.isColumn = column
        self.isOccasional = occasional
    }

    /// A table column (`rows[0].NAME`).
    public static func column(_ name: String, _ meaning: String, unit: Unit? = nil) -> FieldSpec {
        FieldSpec(name, meaning, unit: unit, column: true)
    }

    /// The unit a field's name promises by its ending, if any.
    public static func unit(named name: String) -> Unit? {
        let endings: [(String, Unit)] = [("_ms", .milliseconds), ("_ns", .nanoseconds), ("_us", .microseconds),
                                         ("_bytes", .bytes), ("_pct", .percent), ("_per_second", .perSecond)]
        return endings.first { name.hasSuffix($0.0) }?.1
    }
}

/// The declaration of a command: everything help, parsing and completion need.
public struct CommandSpec: Sendable {
    public var name: String
    public var aliases: [String]
    public var summary: String
    public var arguments: [ArgumentSpec]
    public var flags: [FlagSpec]
    public var examples: [String]
    public var discussion: String
    /// The fields of its result a check can read (`help` lists them with their units).
    public var fields: [FieldSpec]

    public init(_ name: String, aliases: [String] = [], summary: String, arguments: [ArgumentSpec] = [],
                flags: [FlagSpec] = [], examples: [String] = [], discussion: String = "", fields: [FieldSpec] = []) {
        self.name = name
        self.aliases = aliases
        self.summary = summary
        self.arguments = arguments
        self.flags = flags
        self.examples = examples
        self.discussion = discussion
        self.fields = fields
    }

    /// One-line usage, e.g. `proc kill P [SIGNAL]`, generated from the declaration.
    public func usage(prefix: String = "") -> String {
        var parts = [prefix.isEmpty ? name : prefix + " " + name]
        for arg in arguments {
            var shown = arg.kind.placeholderHint.isEmpty ? arg.name : arg.kind.placeholderHint
            if arg.variadic { shown += "…" }
            parts.append(arg.optional ? "[\(shown)]" : shown)
        }
        for flag in flags {
            parts.append(flag.value == nil ? "[--\(flag.name)]" : "[--\(flag.name) \(flag.valueName)]")
        }
        return parts.joined(separator: " ")
    }
}

/// A command: a declaration and what it does. A noun (`proc`, `lab`) is a command with verbs.
public protocol Command: Sendable {
    var spec: CommandSpec { get }
    /// Verbs of a noun; empty for a plain command.
    var verbs: [any Command] { get }
    /// The verb used when a noun is typed alone (`lab` → `lab list`), if any.
    var defaultVerb: String? { get }
    /// Declared preconditions, checked before `run`.
    var requirements: [Requirement] { get }
    /// Kinds of live objects this command makes (handle prefix, cap).
    var objectKinds: [ObjectKindInfo] { get }
    func run(_ arguments: Arguments, in context: Context) throws -> LabResult
}

extension Command {
    public var verbs: [any Command] { [] }
    public var defaultVerb: String? { nil }
    public var requirements: [Requirement] { [] }
    public var objectKinds: [ObjectKindInfo] { [] }
    public func run(_ arguments: Arguments, in context: Context) throws -> LabResult { .nothing }

    package func matches(_ word: String) -> Bool { spec.name == word || spec.aliases.contains(word) }
}

/// A precondition a command declares; the session checks it and prints the fixed message.
public struct Requirement: Sendable {
    public var message: String
    public var isMet: @Sendable (Session) -> Bool

    public init(message: String, isMet: @escaping @Sendable (Session) -> Bool) {
        self.message = message
        self.isMet = isMet
    }
}

/// Bad arguments: one line naming the problem; the shell adds the usage.
public struct UsageError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var usage: String

    public init(_ message: String, usage: String = "") {
        self.message = message
        self.usage = usage
    }

    public var description: String { message }
}

/// A command's failure, in one sentence a learner understands.
public struct CommandError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// What the command printed before it failed, shown before the error.
    public var output: String
    /// A program's output before it failed, by stream (a Python snippet's prints and what it wrote to stderr).
    public var program: ProgramOutput?
    /// A program that ended itself with this status (`sys.exit(3)`): `message` is what it asked printed (maybe
    /// nothing), shown as it is, and conclab running that one command exits with the status.
    public var exitStatus: Int32?
    public init(_ message: String, output: String = "", program: ProgramOutput? = nil, exitStatus: Int32? = nil) {
        self.message = message
        self.output = program?.text ?? output
        self.program = program
        self.exitStatus = exitStatus
    }
    public var description: String { message }
}

/// The parsed arguments of one invocation.
public struct Arguments: Sendable {
    public var positional: [String: [String]] = [:]
    public var flags: [String: String] = [:]
    public var words: [Word] = []
    public var usage: String = ""
    /// The command line and where this stage ends, so expression and command arguments keep their exact text.
    public var source: String = ""
    public var stageEnd: Int = 0
    package var starts: [String: Int] = [:]
    /// For a command argument: the inner command line, re-quoted.
    public var commandLine: String?
    /// True when the text argument came from the Python prompt (`>>>`): exactly what was typed, no shell quoting
    /// to take off and no `\n` to expand.
    public var typedAtPythonPrompt = false

    public init() {}

    public func has(_ name: String) -> Bool { positional[name] != nil || flags[name] != nil }

    public func string(_ name: String) -> String? { positional[name]?.first ?? flags[name] }

    public func strings(_ name: String) -> [String] { positional[name] ?? [] }

    public func flag(_ name: String) -> Bool { flags[name] != nil }

    /// The exact text of argument `name` and everything after it in this stage (quotes kept).
    public func rawText(_ name: String) -> String? {
        guard let start = starts[name] else { return nil }
        let chars = Array(source)
        let end = min(stageEnd, chars.count)
        guard start < end else { return nil }
        var text = String(chars[start..<end])
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return text
    }

    public func require(_ name: String) throws -> String {
        guard let v = string(name) else { throw UsageError("missing \(name)", usage: usage) }
        return v
    }

    public func integer(_ name: String) throws -> Int? {
        guard let text = string(name) else { return nil }
        guard let v = Arguments.parseInteger(text) else {
            throw UsageError("\(name) must be a whole number, got '\(text)'", usage: usage)
        }
        return v
    }

    public func integer(_ name: String, default value: Int, range: ClosedRange<Int>? = nil) throws -> Int {
        let v = try integer(name) ?? value
        if let range, !range.contains(v) {
            throw UsageError("\(name) must be between \(range.lowerBound) and \(range.upperBound), got \(v)", usage: usage)
        }
        return v
    }

    /// Whole numbers as people write them: `10000`, `10_000`, `10^7`, `1e7`, `-3`.
    public static func parseInteger(_ text: String) -> Int? {
        let t = text.replacingUnderscores()
        if let v = Int(t) { return v }
        for sep: Character in ["^", "e", "E"] {
            let parts = t.split(separator: sep, omittingEmptySubsequences: false)
            if parts.count == 2, let base = Int(parts[0]), let exp = Int(parts[1]), exp >= 0, sep == "^" || exp < 19 {
                let b = sep == "^" ? base : 10
                guard let result = try? PyInt.power(b, exp) else { return nil }
                if sep == "^" { return result }
                let (r, o) = base.multipliedReportingOverflow(by: result)
                return o ? nil : r
            }
        }
        return nil
    }
}

/// Parses words against a declaration.
public enum ArgumentReader {
    public static func parse(_ words: [Word], spec: CommandSpec, usage: String, source: String = "", stageEnd: Int? = nil) throws -> Arguments {
        var result = Arguments()
        result.words = words
        result.usage = usage
        result.source = source
        result.stageEnd = stageEnd ?? source.count
        var positional: [String] = []
        var positionalStarts: [Int] = []
        var positionalQuoted: [Bool] = []
        var index = 0
        var flagsDone = false
        while index < words.count {
            let word = words[index]
            let text = word.text
            index += 1
            // Once a command argument has started (`bench sleep 10 -n 3`), words that are not this
            // command's own flags belong to the inner command, `--` included.
            let commandStarted = spec.arguments.last?.kind == .command && positional.count >= spec.arguments.count
            // Once verbatim code has started (`py y = [1, -2]`), every word is part of it.
            if !positional.isEmpty, let code = spec.arguments.last, code.verbatim,
               positional.count >= spec.arguments.count - 1 {
                positional.append(text)
                positionalStarts.append(word.start)
                positionalQuoted.append(word.quoted)
                continue
            }
            if !flagsDone && !word.quoted && text == "--" && !commandStarted { flagsDone = true; continue }
            let looksLikeFlag = !flagsDone && !word.quoted && text.hasPrefix("-") && text.count > 1
                && Arguments.parseInteger(text) == nil
            guard looksLikeFlag else {
                positional.append(text)
                positionalStarts.append(word.start)
                positionalQuoted.append(word.quoted || (flagsDone && text.hasPrefix("-")))
                continue
            }
            var name = text.hasPrefix("--") ? String(text.dropFirst(2)) : String(text.dropFirst())
            var inlineValue: String?
            if let eq = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            let isShort = !text.hasPrefix("--")
            guard let flag = spec.flags.first(where: { isShort ? $0.short.map(String.init) == name : $0.name == name }) else {
                if commandStarted {
                    positional.append(text)
                    positionalStarts.append(word.start)
                    positionalQuoted.append(false)
                    continue
                }
                let known = spec.flags.map { "--" + $0.name }
                var message = "unknown option '\(text)'"
                if let guess = Suggest.closest(to: "--" + name, in: known) { message += "; did you mean '\(guess)'?" }
                throw UsageError(message, usage: usage)
            }
            if let kind = flag.value {
                let value: String
                if let inlineValue { value = inlineValue }
                else {
                    guard index < words.count else { throw UsageError("--\(flag.name) needs a value (\(flag.valueName))", usage: usage) }
                    value = words[index].text
                    index += 1
                }
                try validate(value, kind: kind, name: "--\(flag.name)", usage: usage)
                result.flags[flag.name] = value
            } else {
                if inlineValue != nil { throw UsageError("--\(flag.name) takes no value", usage: usage) }
                result.flags[flag.name] = ""
            }
        }
        var p = 0
        for arg in spec.arguments {
            if arg.variadic {
                let rest = Array(positional[min(p, positional.count)...])
                if rest.isEmpty && !arg.optional { throw UsageError("missing \(arg.name)", usage: usage) }
                for value in rest { try validate(value, kind: arg.kind, name: arg.name, usage: usage) }
                if !rest.isEmpty {
                    result.positional[arg.name] = rest
                    result.starts[arg.name] = positionalStarts[p]
                }
                p = positional.count
                continue
            }
            guard p < positional.count else {
                if arg.optional { continue }
                throw UsageError("missing \(arg.name)", usage: usage)
            }
            try validate(positional[p], kind: arg.kind, name: arg.name, usage: usage)
            result.positional[arg.name] = [positional[p]]
            result.starts[arg.name] = positionalStarts[p]
            p += 1
        }
        if let last = spec.arguments.last, last.kind == .command, let inner = result.positional[last.name] {
            // Words the user quoted stay quoted, so `time echo '-v'` does not turn -v into a flag.
            let first = positional.count - inner.count
            result.commandLine = inner.enumerated().map { i, word in
                Tokenizer.quote(word, force: positionalQuoted[first + i])
            }.joined(separator: " ")
        }
        if p < positional.count {
            throw UsageError("unexpected argument '\(positional[p])'", usage: usage)
        }
        return result
    }

    package static func validate(_ value: String, kind: ArgumentKind, name: String, usage: String) throws {
        switch kind {
        case .integer:
            if Arguments.parseInteger(value) == nil {
                throw UsageError("\(name) must be a whole number, got '\(value)'", usage: usage)
            }
        case .number:
            if Double(value.replacingUnderscores()) == nil && Arguments.parseInteger(value) == nil {
                throw UsageError("\(name) must be a number, got '\(value)'", usage: usage)
            }
        case .choice(let options):
            if !options.contains(value) {
                var message = "\(name) must be one of \(options.joined(separator: ", ")), got '\(value)'"
                if let guess = Suggest.closest(to: value, in: options) { message += "; did you mean '\(guess)'?" }
                throw UsageError(message, usage: usage)
            }
        default: break
        }
    }
}
