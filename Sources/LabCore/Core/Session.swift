import Synchronization
import LabOS

/// A cancellation flag: a command's (set by the front end on Ctrl-C) or a thread's (`thread cancel`). Busy code
/// checks `isCancelled` (one atomic load); a thread with nothing to do until a deadline sleeps in `wait`, which
/// `cancel()` wakes at once, so a thousand sleeping threads cost nothing while they sleep.
///
/// A linked cancellation (`init(linkedTo:)`) is also cancelled when its parent is, and shares the parent's condition
/// variable so one wait hears both: a snippet thread's own stop request and the Ctrl-C of the command it runs in.
public final class Cancellation: Sendable {
    private let flag = Atomic<Bool>(false)
    private let parent: Cancellation?
    /// Counts `cancel()` calls; waiters sleep on it. Shared along a chain of linked cancellations.
    private let bell: Gate<Int>

    public init() {
        parent = nil
        bell = Gate(0)
    }

    /// A cancellation that is cancelled by its own `cancel()` and by `parent`'s (none: the same as `init()`).
    public init(linkedTo parent: Cancellation?) {
        self.parent = parent
        bell = parent?.bell ?? Gate(0)
    }

    public func cancel() {
        flag.store(true, ordering: .relaxed)
        // Under the bell's mutex: a waiter either sees the flag or is already waiting when the broadcast comes.
        bell.update { $0 &+= 1 }
        for wake in wakers.withLock({ Array($0.values) }) { wake() }
    }

    /// Calls to make on `cancel()`, by key: waits on other conditions that must also end on a cancellation.
    private let wakers = Locked<[Int: @Sendable () -> Void]>([:])
    private let nextWaker = Atomic<Int>(0)

    /// Runs `body` with `wake` called on a cancellation of this one or of its parent: a thread blocked on another
    /// condition variable (a thread's end) is woken by Ctrl-C too, so it waits for either in one blocking wait, not
    /// in polling slices. `wake` should wake that wait under its lock (`Gate.update`), and the wait should check
    /// `isCancelled` under the same lock: then no cancellation is missed.
    public func wakingOnCancel<R>(_ wake: @escaping @Sendable () -> Void, _ body: () throws -> R) rethrows -> R {
        var chain: [(Cancellation, Int)] = []
        var link: Cancellation? = self
        while let current = link {
            let key = current.nextWaker.add(1, ordering: .relaxed).newValue
            current.wakers.withLock { $0[key] = wake }
            chain.append((current, key))
            link = current.parent
        }
        defer { for (current, key) in chain { current.wakers.withLock { _ = $0.removeValue(forKey: key) } } }
        return try body()
    }

    public var isCancelled: Bool { flag.load(ordering: .relaxed) || (parent?.isCancelled ?? false) }

    /// Clears this cancellation's own request (not its parent's); true if there was one. For a request that is
    /// delivered once, as a snippet thread's stop becomes one KeyboardInterrupt.
    public func withdraw() -> Bool {
        flag.load(ordering: .relaxed) && flag.exchange(false, ordering: .relaxed)
    }

    /// Blocks until cancelled or until the monotonic clock reaches `deadline` (`Clock.monotonicNanoseconds()`);
    /// true if cancelled. No polling: the thread sleeps on a condition variable that `cancel()` signals.
    @discardableResult
    public func wait(untilNanoseconds deadline: Int64) -> Bool {
        while true {
            if isCancelled { return true }
            let left = deadline - Clock.monotonicNanoseconds()
            if left <= 0 { return false }
            let woken = bell.wait(timeoutNanoseconds: left) { _ -> Bool? in self.isCancelled ? true : nil }
            if woken == true { return true }
        }
    }
}

/// A running total of bytes with a ceiling, shared by every command of a replayed lab.
public final class ByteMeter: Sendable {
    public let limit: Int
    private let total = Atomic<Int>(0)
    private let refusedFlag = Atomic<Bool>(false)
    public init(limit: Int) { self.limit = limit }
    public var value: Int { total.load(ordering: .relaxed) }
    /// Whether an `add` was ever refused: the lab tried to pass its limit.
    public var refused: Bool { refusedFlag.load(ordering: .relaxed) }
    /// Adds `bytes` unless that would pass the limit; says whether it did.
    public func add(_ bytes: Int) -> Bool {
        var current = total.load(ordering: .relaxed)
        while true {
            guard current + bytes <= limit else {
                refusedFlag.store(true, ordering: .relaxed)
                return false
            }
            let (exchanged, original) = total.compareExchange(expected: current, desired: current + bytes, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }
}

/// Thrown when a command notices it was cancelled.
public struct Cancelled: Error, Sendable, CustomStringConvertible {
    public init() {}
    public var description: String { "cancelled" }
}

/// What the front end should do after a command besides printing its result.
public enum Directive: Sendable, Equatable {
    case none
    case exit
    case clearScreen
    /// Print the result whole: no cut after a screen's worth (`show --all`).
    case printInFull
}

public enum OutputFormat: String, Sendable {
    case human
    case json
    /// Tables (and records) as comma-separated values; other text as it is.
    case csv
}

/// Settings `set` changes.
public struct Settings: Sendable {
    public var output: OutputFormat = .human
    public var color: Bool = false
    /// The labs' language (and the guide's sentences around them).
    public var language: LabLanguage = .en
    /// The columns of the terminal results are shown on (nil: not a terminal). The front end sets it before each
    /// command; a command that draws (the timeline chart) fits its drawing to it.
    public var terminalColumns: Int?
    public init(output: OutputFormat = .human, color: Bool = false, language: LabLanguage = .en, terminalColumns: Int? = nil) {
        self.output = output
        self.color = color
        self.language = language
        self.terminalColumns = terminalColumns
    }
}

/// Where a session finds labs and keeps state.
public struct SessionEnvironment: Sendable {
    /// The `Labs` folder (holding `en/` and `ru/`), if found.
    public var labsDirectory: String?
    /// Where progress.json goes; nil keeps progress in memory only.
    public var stateDirectory: String?
    public init(labsDirectory: String? = nil, stateDirectory: String? = nil) {
        self.labsDirectory = labsDirectory
        self.stateDirectory = stateDirectory
    }
}

/// The scratch folder a replayed lab gets: the only place its commands may write.
public struct Sandbox: Sendable {
    public var scratchDirectory: String
    /// Bytes the lab's commands have written into files, against `writeLimit`.
    public let written: ByteMeter

    public init(scratchDirectory: String, writeLimit: Int = 64 << 20) {
        self.scratchDirectory = scratchDirectory
        self.written = ByteMeter(limit: writeLimit)
    }

    /// Counts `bytes` about to be written into a file; refuses the write once the lab's total would pass the limit.
    /// (Replay also measures the scratch folder after each command; this catches one command that writes in a loop.)
    public func charge(writing bytes: Int) throws {
        guard written.add(bytes) else {
            throw CommandError("a replayed lab may write at most \(Format.bytes(Double(written.limit))) into files; this write would pass that")
        }
    }

    /// Resolves `path` for writing: relative paths land in the scratch folder; anything that would leave it is refused.
    public func writablePath(_ path: String) throws -> String {
        try confined(path, "a lab may only write inside its scratch folder")
    }

    /// Files outside the scratch folder a replayed lab may still read: nothing secret, nothing endless.
    public static let readableOutside: Set<String> = ["/dev/null"]

    /// Resolves `path` for reading: relative paths land in the scratch folder; a lab may not read outside it
    /// (a replayed lab is someone else's: it must not put this machine's files in its transcript).
    public func readablePath(_ path: String) throws -> String {
        if Self.readableOutside.contains(path) { return path }
        return try confined(path, "a replayed lab may only read inside its scratch folder")
    }

    /// `path` inside the scratch folder (a relative one is taken from there); `refusal` says why anything else is not.
    private func confined(_ path: String, _ refusal: String) throws -> String {
        if path.hasPrefix("/") && !path.hasPrefix(scratchDirectory + "/") {
            throw CommandError("\(refusal); '\(path)' is outside it")
        }
        if path.split(separator: "/").contains("..") { throw CommandError("a lab may not use '..' in paths ('\(path)')") }
        return path.hasPrefix("/") ? path : scratchDirectory + "/" + path
    }
}

extension Session {
    /// The path a command may write to: unchanged in a normal session, confined to the scratch folder in a lab replay.
    public func writablePath(_ path: String) throws -> String {
        guard let sandbox else { return path }
        return try sandbox.writablePath(path)
    }

    /// The path a command may read: unchanged in a normal session, confined to the scratch folder in a lab replay.
    public func readablePath(_ path: String) throws -> String {
        guard let sandbox else { return path }
        return try sandbox.readablePath(path)
    }
}

/// A command that did not succeed, in the words the shell prints.
public struct Failure: Sendable, Equatable {
    public enum Kind: String, Sendable { case usage, unknownCommand, cancelled, failed }
    public var kind: Kind
    public var message: String
    /// Usage lines to show under the message (bad arguments).
    public var usage: String?
    /// What the command printed before it failed (a snippet's prints before its exception): shown as output, the
    /// error after it, as python3 prints to stdout and then the traceback to stderr.
    public var output: String? = nil
    /// The same output by stream, when a program wrote it (see `CommandError.program`).
    public var program: ProgramOutput? = nil
    /// A program's own exit status (`sys.exit(N)`); `message` is then the program's own words, maybe empty.
    public var exitStatus: Int32? = nil
}

/// The outcome of one line.
public struct Outcome: Sendable {
    public var line: String
    public var result: LabResult
    public var failure: Failure?
    public var directive: Directive
    public var elapsedNanoseconds: Int64
    /// The command the line named (`["proc", "kill"]`), once resolved; nil when the line named none.
    public var path: [String]? = nil
    /// Lines the shell adds after the result (an active lab's check results).
    public var notes: [Note] = []
    public var succeeded: Bool { failure == nil }
}

/// The running state one command sees: the session, its cancellation flag, and a way to report progress.
public final class Context: Sendable {
    public let session: Session
    public let cancellation: Cancellation
    private let directiveState = Locked(Directive.none)
    private let keepsLastResultState = Locked(false)

    package init(session: Session, cancellation: Cancellation) {
        self.session = session
        self.cancellation = cancellation
    }

    public var directive: Directive {
        get { directiveState.withLock { $0 } }
        set { directiveState.withLock { $0 = newValue } }
    }

    /// Set by a command whose result is about writing out another (`save`, `timeline export`, `show --all`): the
    /// session's last result stays what it was, so a second export writes the same result, not the first export's.
    public var keepsLastResult: Bool {
        get { keepsLastResultState.withLock { $0 } }
        set { keepsLastResultState.withLock { $0 = newValue } }
    }

    public func checkCancelled() throws {
        if cancellation.isCancelled { throw Cancelled() }
    }

    /// Sleeps on the cancellation flag: Ctrl-C ends it at once, and until then the thread uses no CPU.
    public func sleep(milliseconds: Int) throws {
        let deadline = Clock.monotonicNanoseconds() + Time.nanoseconds(milliseconds: milliseconds)
        if cancellation.wait(untilNanoseconds: deadline) { throw Cancelled() }
    }

    /// Reports progress of long work (0…1); the front end draws a bar on a tty and nothing when piped.
    public func progress(_ fraction: Double, _ label: String) {
        session.progressReporter?(fraction, label)
    }

    /// Runs another command line in this context (for `time`, `bench`); its failure becomes this command's.
    public func runNested(_ line: String) throws -> LabResult {
        let outcome = session.execute(line, cancellation: cancellation, nested: true)
        if let failure = outcome.failure {
            switch failure.kind {
            case .cancelled: throw Cancelled()
            case .usage: throw UsageError(failure.message, usage: failure.usage ?? "")
            default: throw CommandError(failure.message)
            }
        }
        return outcome.result
    }
}

/// One learner's session: the commands, the live objects, the settings and the history.
/// The front end (terminal or script) feeds it lines; it never prints.
public final class Session: Sendable {
    public let registry: Registry
    public let objects = ObjectTable()
    private let settingsState: Locked<Settings>
    private let historyState = Locked<[String]>([])
    private let running = Locked<Cancellation?>(nil)
    private let progressState = Locked<(@Sendable (Double, String) -> Void)?>(nil)
    /// Each topic's state, one slot (and one lock) per `TopicKey` (see TopicState.swift).
    let topicSlots = TopicSlots()
    private let noticeState = Locked<[String]>([])
    private let lastResultState = Locked<LabResult>(.nothing)
    /// Where a replayed lab may write; nil in a normal session.
    public let sandbox: Sandbox?
    /// Where labs and progress live (the front end sets these; tests point them at temporary folders).
    public let environment: SessionEnvironment

    /// Who follows the session from outside the core (the lab guide, the recorder), in the order they are told.
    public let observers: [any SessionObserver]
    /// Where completion finds what the core does not know (a lab step's commands, lab ids).
    public let completionSources: [any CompletionSource]

    public init(registry: Registry, settings: Settings = Settings(), sandbox: Sandbox? = nil,
                environment: SessionEnvironment = SessionEnvironment(),
                observers: [any SessionObserver] = [], completionSources: [any CompletionSource] = []) {
        self.registry = registry
        self.observers = observers
        self.completionSources = completionSources
        self.settingsState = Locked(settings)
        self.sandbox = sandbox
        self.environment = environment
        for info in Registry.baseKinds { objects.declare(info) }
        for command in registry.commands {
            for info in registry.objectKinds(of: command) { objects.declare(info) }
        }
    }

    public var settings: Settings {
        get { settingsState.withLock { $0 } }
        set { settingsState.withLock { $0 = newValue } }
    }

    public var progressReporter: (@Sendable (Double, String) -> Void)? {
        get { progressState.withLock { $0 } }
        set { progressState.withLock { $0 = newValue } }
    }

    /// The result of the last top-level command that succeeded with something to show (for `timeline export --last`,
    /// `save` and `show --all`); commands that write results out leave it as it was (`Context.keepsLastResult`).
    public var lastResult: LabResult { lastResultState.withLock { $0 } }

    /// Posts a message that happened in the background (a watchdog found a deadlock, a worker crashed).
    /// Any thread may post; the front end prints pending notices before the next prompt and after each command.
    public func post(notice: String) {
        noticeState.withLock { $0.append(notice) }
    }

    /// Takes every pending notice, oldest first.
    public func takeNotices() -> [String] {
        noticeState.withLock { notices in
            defer { notices.removeAll() }
            return notices
        }
    }

    /// Lines typed in this session (and, in the terminal, loaded from the history file), oldest first.
    public var history: [String] { historyState.withLock { $0 } }

    /// The most lines the session keeps in memory: a script of a million lines must not grow the shell for ever.
    public static let historyLimit = 10_000

    public func addHistory(_ line: String) {
        historyState.withLock { lines in
            if lines.last != line { lines.append(line) }
            // Drop the oldest in batches, so keeping the bound costs nothing per line.
            if lines.count > Self.historyLimit + Self.historyLimit / 10 { lines.removeFirst(lines.count - Self.historyLimit) }
        }
    }

    /// Called by the front end for each line the learner typed (not for history loaded from disk).
    public func typed(_ line: String) {
        addHistory(line)
        for observer in observers { observer.didType(line, in: self) }
    }

    /// Cancels the running command, if any (Ctrl-C). Returns whether one was running.
    @discardableResult
    public func cancelRunning() -> Bool {
        running.withLock { c in
            guard let c else { return false }
            c.cancel()
            return true
        }
    }

    /// Parses and runs one line. Never throws: every failure is an `Outcome` the shell prints.
    public func execute(_ line: String) -> Outcome {
        let cancellation = Cancellation()
        running.withLock { $0 = cancellation }
        defer { running.withLock { $0 = nil } }
        return execute(line, cancellation: cancellation, nested: false)
    }

    /// Runs `source`, typed at the Python prompt (`>>>`), as `py` runs a snippet, but exactly as typed: the shell
    /// neither splits it into words nor takes quotes off, and `\n` stays Python's escape.
    public func executePython(_ source: String) -> Outcome {
        let cancellation = Cancellation()
        running.withLock { $0 = cancellation }
        defer { running.withLock { $0 = nil } }
        return execute("py " + source, cancellation: cancellation, nested: false) { context in
            let (command, path, _) = try self.registry.resolve([Word("py")])
            var arguments = Arguments()
            arguments.positional["SNIPPET"] = [source]
            arguments.starts["SNIPPET"] = 0
            arguments.source = source
            arguments.stageEnd = source.count
            arguments.usage = self.registry.usageLines(for: command, path: path)
            arguments.typedAtPythonPrompt = true
            return (try command.run(arguments, in: context), path)
        }
    }

    package func execute(_ line: String, cancellation: Cancellation, nested: Bool,
                         body: ((Context) throws -> (LabResult, [String]))? = nil) -> Outcome {
        let started = Clock.monotonicNanoseconds()
        let context = Context(session: self, cancellation: cancellation)
        var outcome = Outcome(line: line, result: .nothing, failure: nil, directive: .none, elapsedNanoseconds: 0)
        do {
            if let body {
                let (result, path) = try body(context)
                outcome.result = result
                outcome.path = path
            } else {
                outcome.result = try run(line, context: context, nested: nested, path: &outcome.path)
            }
        } catch {
            outcome.failure = Self.failure(from: error)
        }
        outcome.directive = context.directive
        outcome.elapsedNanoseconds = Clock.monotonicNanoseconds() - started
        if !nested {
            outcome.notes = observers.flatMap { $0.didRun(outcome, in: self) }
            if outcome.succeeded && outcome.result != .nothing && !context.keepsLastResult {
                lastResultState.withLock { $0 = outcome.result }
            }
        }
        return outcome
    }

    package static func failure(from error: any Error) -> Failure {
        var failure = rawFailure(from: error)
        // A program's own words (sys.exit("…")) are printed as python3 prints them.
        if failure.exitStatus == nil { failure.message = failure.message.clippingLongWords() }
        return failure
    }

    private static func rawFailure(from error: any Error) -> Failure {
        switch error {
        case let e as UsageError: return Failure(kind: .usage, message: e.message, usage: e.usage.isEmpty ? nil : e.usage)
        case let e as UnknownCommand: return Failure(kind: .unknownCommand, message: e.description)
        case is Cancelled: return Failure(kind: .cancelled, message: "cancelled")
        case let e as ExpressionError: return Failure(kind: .failed, message: "expression: \(e)")
        case let e as CommandError:
            return Failure(kind: .failed, message: e.message, output: e.output.isEmpty ? nil : e.output, program: e.program,
                           exitStatus: e.exitStatus)
        default: return Failure(kind: .failed, message: "\(error)")
        }
    }

    private func run(_ line: String, context: Context, nested: Bool, path resolved: inout [String]?) throws -> LabResult {
        let words: [Word]
        var commentStart: Int?
        do { words = try Tokenizer.split(line, commentStart: &commentStart) } catch {
            // Python code may hold quotes the shell cannot pair (`py print('don\'t')`): that is the code's business.
            guard let lenient = try? Tokenizer.split(line, allowUnterminated: true, commentStart: &commentStart),
                  let first = lenient.first, registry.find(first.text)?.spec.arguments.last?.verbatim == true else {
                throw UsageError(error.message)
            }
            words = lenient
        }
        var stages: [[Word]] = [[]]
        for word in words {
            if word.isPipe { stages.append([]) } else { stages[stages.count - 1].append(word) }
        }
        guard !stages[0].isEmpty else {
            if stages.count > 1 { throw UsageError("nothing before '|'") }
            return .nothing
        }
        var stageEnds = words.filter(\.isPipe).map(\.start) + [commentStart ?? line.count]
        let (command, path, rest) = try registry.resolve(stages[0])
        resolved = path
        let usage = registry.usageLines(for: command, path: path)
        for requirement in command.requirements where !requirement.isMet(self) {
            throw CommandError(requirement.message)
        }
        var parseWords = rest
        if command.spec.arguments.last?.verbatim == true {
            // Code runs to the end of the line: a `|` or a `#` in it is Python's (`py s = a | b`), not the shell's.
            parseWords = Array(words.drop { $0.start < (rest.first?.start ?? line.count) })
            stages = [stages[0]]
            stageEnds = [line.count]
        }
        let arguments = try ArgumentReader.parse(parseWords, spec: command.spec, usage: usage, source: line, stageEnd: stageEnds[0])
        if nested && (path == ["exit"] || path == ["quit"]) { throw CommandError("'\(path.joined(separator: " "))' cannot run inside another command") }
        var result = try command.run(arguments, in: context)
        for (index, stage) in stages.enumerated().dropFirst() {
            result = try Pipeline.apply(stage, to: result, source: line, stageEnd: stageEnds[index])
        }
        return result
    }

    /// Ends every live object (threads asked to stop, children killed and reaped). Returns what could not be ended.
    @discardableResult
    public func shutdown() -> [(String, String)] {
        cancelRunning()
        return objects.closeAll()
    }
}

/// `cmd | where EXPR`: filters a table's rows (or passes a record only if it matches).
package enum Pipeline {
    package static func apply(_ stage: [Word], to result: LabResult, source: String, stageEnd: Int) throws -> LabResult {
        guard let verb = stage.first else { throw UsageError("nothing after '|'") }
        guard verb.text == "where" else {
            var message = "unknown filter '\(verb.text)'; after '|' use: where EXPR"
            if Suggest.closest(to: verb.text, in: ["where"]) != nil { message = "unknown filter '\(verb.text)'. Did you mean 'where'?" }
            throw UsageError(message, usage: "COMMAND | where EXPR")
        }
        guard stage.count > 1 else { throw UsageError("where needs an expression", usage: "COMMAND | where EXPR") }
        let chars = Array(source)
        let text = String(chars[stage[1].start..<min(stageEnd, chars.count)])
        let expression = try Expression(parsing: text)
        switch result {
        case .table(var table):
            var kept: [[Value]] = []
            for index in table.rows.indices where try Evaluator(record: table.record(at: index)).isTrue(expression) {
                kept.append(table.rows[index])
            }
            table.rows = kept
            return .table(table)
        case .group(var results) where !results.isEmpty:
            results[results.count - 1] = try apply(stage, to: results[results.count - 1], source: source, stageEnd: stageEnd)
            return .group(results)
        default:
            return try Evaluator(record: result.fields).isTrue(expression) ? result : .nothing
        }
    }
}
