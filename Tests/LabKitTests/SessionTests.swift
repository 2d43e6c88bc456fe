import Testing
import TestSupport
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide

/// A command that only runs when the session's output is JSON (to exercise declared requirements).
private struct NeedsJSON: Command {
    let spec = CommandSpec("needs-json", summary: "runs only with JSON output")
    let requirements = [Requirement(message: "Switch to JSON first: set output json") { $0.settings.output == .json }]
    func run(_ arguments: Arguments, in context: Context) throws -> LabResult { .text("ran") }
}

/// A noun whose default verb takes an argument.
private struct Shelf: Command {
    let spec = CommandSpec("shelf", summary: "a noun for tests")
    let verbs: [any Command] = [ShelfShow(), ShelfPut()]
    let defaultVerb: String? = "show"
}

private struct ShelfShow: Command {
    let spec = CommandSpec("show", summary: "show a shelf", arguments: [ArgumentSpec("ID", optional: true)])
    func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        .text("shelf " + (arguments.string("ID") ?? "all"))
    }
}

private struct ShelfPut: Command {
    let spec = CommandSpec("put", summary: "put a thing on the shelf", arguments: [ArgumentSpec("THING")])
    func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        .text("put " + (try arguments.require("THING")))
    }
}

@Suite struct DispatchTests {
    let session = Session()

    @Test func knownCommand() {
        let outcome = session.execute("echo hello   'big  world'")
        #expect(outcome.succeeded)
        expectEqual(outcome.result, .text("hello big  world"))
        expectEqual(outcome.directive, .none)
        expectEqual(outcome.line, "echo hello   'big  world'")
    }

    @Test(arguments: ["", "   ", "# just a comment", "  # indented comment"])
    func blankLinesDoNothing(_ line: String) {
        let outcome = session.execute(line)
        #expect(outcome.succeeded)
        expectEqual(outcome.result, .nothing)
    }

    @Test func aliases() {
        let help = session.execute("?")
        #expect(help.succeeded)
        #expect(help.text.hasPrefix("Commands"))
        let quit = session.execute("quit")
        expectEqual(quit.directive, .exit)
    }

    @Test(arguments: ["proc list", "proc ls", "proc", "p", "p list"])
    func nounAndVerb(_ line: String) {
        let outcome = session.execute(line)
        #expect(outcome.succeeded)
        guard case .table(let table) = outcome.result else {
            Issue.record("expected a table, got \(outcome.result)")
            return
        }
        expectEqual(table.columns, ["handle", "pid", "start", "state", "status", "cpu_ms", "rss_bytes", "workload"])
        #expect(table.rows.isEmpty)
    }

    @Test func defaultVerbTakesItsArgument() {
        let session = Session(registry: Registry([Shelf()]))
        expectEqual(session.execute("shelf").result, .text("shelf all"))
        expectEqual(session.execute("shelf a1").result, .text("shelf a1"))
        expectEqual(session.execute("shelf put book").result, .text("put book"))
        let typo = session.execute("shelf pot book")
        expectEqual(typo.failure?.kind, .unknownCommand)
        expectEqual(typo.failure?.message, "Unknown shelf verb 'pot'. Did you mean 'shelf put'?")
    }

    @Test(arguments: [
        ("ehco hi", "Unknown command 'ehco'. Did you mean 'echo'?"),
        ("zzzzzz list", "Unknown command 'zzzzzz'. Run 'help' to see the commands."),
        ("histroy", "Unknown command 'histroy'. Did you mean 'history'?"),
        ("xyzzy", "Unknown command 'xyzzy'. Run 'help' to see the commands."),
        ("proc spwan sleep 1", "Unknown proc verb 'spwan'. Did you mean 'proc spawn'?"),
        ("proc frobnicate", "Unknown proc verb 'frobnicate'. Run 'help proc' to see its verbs."),
    ])
    func unknownWords(_ line: String, _ message: String) {
        let outcome = session.execute(line)
        expectEqual(outcome.failure?.kind, .unknownCommand)
        expectEqual(outcome.failure?.message, message)
        expectEqual(outcome.result, .nothing)
    }

    @Test(arguments: [
        ("sleep abc", "MS must be a whole number, got 'abc'", "usage: sleep MS"),
        ("sleep", "missing MS", "usage: sleep MS"),
        ("sleep 1 2", "unexpected argument '2'", "usage: sleep MS"),
        ("sleep -1", "MS must be between 0 and 86400000, got -1", "usage: sleep MS"),
        ("proc kill", "missing P", "usage: proc kill P [TERM|KILL|INT|STOP|CONT|HUP|USR1|USR2|QUIT|ABRT|SEGV]"),
        ("history --all", "unknown option '--all'", "usage: history [N]"),
        ("set output xml", "set output takes one of: human, json, csv", "usage: set [output|color|limit] [VALUE…]"),
        ("bench echo x -n 0", "runs must be between 1 and 10000000, got 0",
         "usage: bench COMMAND… [--runs N] [--warmup W]"),
        ("time", "missing COMMAND", "usage: time COMMAND…"),
    ])
    func badArgumentsAreUsageFailures(_ line: String, _ message: String, _ usage: String) {
        let outcome = session.execute(line)
        expectEqual(outcome.failure?.kind, .usage)
        expectEqual(outcome.failure?.message, message)
        expectEqual(outcome.failure?.usage, usage)
    }

    @Test func unterminatedQuoteIsAUsageFailure() {
        let outcome = session.execute("echo 'oops")
        expectEqual(outcome.failure?.kind, .usage)
        expectEqual(outcome.failure?.message, "unterminated single quote")
    }

    @Test func nounAloneWithoutDefaultVerbShowsVerbs() {
        let noDefault = Registry([NounWithoutDefault()])
        let outcome = Session(registry: noDefault).execute("box")
        expectEqual(outcome.failure?.kind, .usage)
        expectEqual(outcome.failure?.message, "box needs a verb: put")
        expectEqual(outcome.failure?.usage, "usage: box put THING")
    }

    @Test func requirementsAreCheckedBeforeRunning() {
        let session = Session(registry: Registry([NeedsJSON(), SetCommand()]))
        let refused = session.execute("needs-json")
        expectEqual(refused.failure?.kind, .failed)
        expectEqual(refused.failure?.message, "Switch to JSON first: set output json")
        #expect(session.execute("set output json").succeeded)
        expectEqual(session.execute("needs-json").result, .text("ran"))
    }

    @Test func settingsChange() {
        let session = Session()
        expectEqual(session.execute("set output json").result, .text("output: json"))
        expectEqual(session.settings.output, .json)
        #expect(session.execute("set color on").succeeded)
        #expect(session.settings.color)
        #expect(session.execute("set limit processes 8").succeeded)
        expectEqual(session.objects.limits.first { $0.0 == "processes" }?.1, 8)
        let bad = session.execute("set limit dragons 3")
        expectEqual(bad.failure?.message.hasPrefix("no limit named 'dragons'; limits: "), true)
        expectEqual(bad.failure?.message.contains("processes"), true)
        guard case .record(let record) = session.execute("set").result else {
            Issue.record("set alone should show a record")
            return
        }
        expectEqual(record["output"], .string("json"))
        expectEqual(record["color"], .string("on"))
        expectEqual(record["limit.processes"], .int(8))
    }

    @Test func directives() {
        expectEqual(session.execute("exit").directive, .exit)
        expectEqual(session.execute("clear").directive, .clearScreen)
        expectEqual(session.execute("echo x").directive, .none)
    }

    @Test func historyIsATable() {
        let session = Session()
        for line in ["echo a", "mem", "echo b", "echo b"] { session.addHistory(line) }
        expectEqual(session.history, ["echo a", "mem", "echo b"])
        guard case .table(let table) = session.execute("history 2").result else {
            Issue.record("history should be a table")
            return
        }
        expectEqual(table.rows, [[.int(2), .string("mem")], [.int(3), .string("echo b")]])
    }
}

/// A noun with no default verb.
private struct NounWithoutDefault: Command {
    let spec = CommandSpec("box", summary: "a noun with no default verb")
    let verbs: [any Command] = [ShelfPut()]
}

/// Topic state: typed keys, one slot and one lock per key and session.
@Suite struct TopicStateTests {
    static let counter = TopicKey("test.counter") { 0 }
    static let words = TopicKey("test.words") { [String]() }
    /// Same name as `counter`, another type: a slot of its own.
    static let counterText = TopicKey("test.counter") { "none" }

    @Test func stateIsTypedAndKeptPerSession() {
        let a = Session()
        let b = Session()
        a.withState(Self.counter) { $0 += 2 }
        a.withState(Self.counter) { $0 += 3 }
        expectEqual(a.state(Self.counter), 5)
        expectEqual(b.state(Self.counter), 0)
        expectEqual(a.state(Self.counterText), "none")
    }

    @Test func twoTopicsStatesNestWithoutDeadlock() {
        let session = Session()
        session.withState(Self.words) { words in
            session.withState(Self.counter) { $0 += 1 }
            words.append("outer")
            // The interpreter is made here, inside another topic's state, and takes the timeline's state itself.
            words.append(PyRuntime.shared(for: session) === PyRuntime.shared(for: session) ? "same" : "two")
        }
        expectEqual(session.state(Self.words), ["outer", "same"])
        expectEqual(session.state(Self.counter), 1)
    }

    @Test func initialSeesTheSession() {
        let key = TopicKey("test.history") { session in session.history.count }
        let session = Session()
        session.addHistory("a")
        expectEqual(session.state(key), 1)
        session.addHistory("b")
        expectEqual(session.state(key), 1)
    }
}

@Suite struct PipelineTests {
    private func historySession() -> Session {
        let session = Session()
        for line in ["echo a", "mem", "echo bb", "sleep 5"] { session.addHistory(line) }
        return session
    }

    @Test func whereFiltersTableRows() {
        let outcome = historySession().execute("history | where command == \"mem\"")
        #expect(outcome.succeeded)
        guard case .table(let table) = outcome.result else {
            Issue.record("expected a table, got \(outcome.result)")
            return
        }
        expectEqual(table.rows, [[.int(2), .string("mem")]])
    }

    @Test func whereUsesTheWholeRestOfTheLine() {
        let outcome = historySession().execute("history | where 'echo' in command and len(command) > 6")
        guard case .table(let table) = outcome.result else {
            Issue.record("expected a table, got \(outcome.result)")
            return
        }
        expectEqual(table.rows.map { $0[1] }, [.string("echo bb")])
    }

    @Test func commentAfterAFilterIsIgnored() {
        // The tokenizer drops `# …`; the filter's expression must not see it either.
        let outcome = Session().execute("echo hi | where text == 'hi'   # keep greetings")
        expectEqual(outcome.failure, nil)
        expectEqual(outcome.result, .text("hi"))
    }

    @Test func whereOnARecordKeepsOrDropsIt() {
        let session = Session()
        expectEqual(session.execute("echo hi | where text == 'hi'").result, .text("hi"))
        expectEqual(session.execute("echo hi | where text == 'no'").result, .nothing)
    }

    @Test(arguments: [
        ("echo hi | wher text", PipelineFailure(kind: .usage, message: "unknown filter 'wher'. Did you mean 'where'?")),
        ("echo hi | sort", PipelineFailure(kind: .usage, message: "unknown filter 'sort'; after '|' use: where EXPR")),
        ("echo hi |", PipelineFailure(kind: .usage, message: "nothing after '|'")),
        ("| where x", PipelineFailure(kind: .usage, message: "nothing before '|'")),
        ("echo hi | where", PipelineFailure(kind: .usage, message: "where needs an expression")),
        ("echo hi | where txt == 1", PipelineFailure(kind: .failed,
                                                     message: "expression: unknown name 'txt'; did you mean 'text'?")),
        ("echo hi | where text = 1", PipelineFailure(kind: .failed,
                                                     message: "expression: '=' assigns; use '==' to compare (column 6)")),
    ])
    func filterMistakes(_ line: String, _ expected: PipelineFailure) {
        let outcome = Session().execute(line)
        expectEqual(outcome.failure?.kind, expected.kind)
        expectEqual(outcome.failure?.message, expected.message)
    }
}

struct PipelineFailure: Sendable {
    var kind: Failure.Kind
    var message: String
}

@Suite struct NestedCommandTests {
    let session = Session()

    @Test func timeWrapsTheInnerResult() {
        let outcome = session.execute("time echo 'a  b'")
        #expect(outcome.succeeded)
        guard case .group(let parts) = outcome.result, parts.count == 2, case .record(let timing) = parts[1] else {
            Issue.record("expected a group of the result and the timing, got \(outcome.result)")
            return
        }
        expectEqual(parts[0], .text("a  b"))
        expectEqual(timing.title, "time: echo 'a  b'")
        expectEqual(timing.fields.map(\.0), ["wall_ms", "user_ms", "sys_ms", "voluntary_switches", "involuntary_switches"])
        #expect(outcome.result.fields["wall_ms"] != nil)
    }

    @Test func timeOfANothingIsJustTheTiming() {
        guard case .record(let record) = session.execute("time clear").result else {
            Issue.record("expected a record")
            return
        }
        expectEqual(record.title, "time: clear")
    }

    @Test func benchRunsTheCommand() {
        let outcome = session.execute("bench echo x -n 3 --warmup 0")
        #expect(outcome.succeeded)
        let fields = outcome.result.fields
        expectEqual(fields["runs"], .int(3))
        expectEqual(fields["warmup"], .int(0))
        #expect(fields["median_ms"] != nil)
        guard case .record(let record) = outcome.result else {
            Issue.record("expected a record")
            return
        }
        expectEqual(record.title, "bench: echo x")
    }

    @Test func benchCountsItsRuns() {
        let session = Session(registry: Registry([BenchCommand(), CountingCommand()]))
        let outcome = session.execute("bench count -n 4 -w 2")
        #expect(outcome.succeeded)
        expectEqual(CountingCommand.calls(in: session), 6)
    }

    @Test func timeOfBenchNests() {
        let outcome = session.execute("time bench echo x -n 2 --warmup 0")
        #expect(outcome.succeeded)
        guard case .group(let parts) = outcome.result, parts.count == 2 else {
            Issue.record("expected a group, got \(outcome.result)")
            return
        }
        expectEqual(parts[0].fields["runs"], .int(2))
        #expect(parts[1].fields["wall_ms"] != nil)
    }

    @Test func innerFailuresBecomeTheOuterFailure() {
        let usage = session.execute("time sleep soon")
        expectEqual(usage.failure?.kind, .usage)
        expectEqual(usage.failure?.message, "MS must be a whole number, got 'soon'")
        expectEqual(usage.failure?.usage, "usage: sleep MS")
        let unknown = session.execute("bench ehco x -n 1")
        expectEqual(unknown.failure?.kind, .failed)
        expectEqual(unknown.failure?.message, "Unknown command 'ehco'. Did you mean 'echo'?")
    }

    @Test(arguments: ["time exit", "bench quit -n 1"])
    func exitCannotBeNested(_ line: String) {
        let outcome = session.execute(line)
        #expect(outcome.failure != nil)
        expectEqual(outcome.failure?.message.contains("cannot run inside another command"), true)
        expectEqual(outcome.directive, .none)
    }

    @Test func quotedDashWordStaysAnArgumentOfTheInnerCommand() {
        // `echo '-v'` prints -v; timing it must not turn the quoted word back into an option.
        expectEqual(session.execute("echo '-v'").result, .text("-v"))
        let outcome = session.execute("time echo '-v'")
        #expect(outcome.succeeded)
        guard case .group(let parts) = outcome.result else {
            Issue.record("expected a group, got \(outcome.result); failure: \(String(describing: outcome.failure))")
            return
        }
        expectEqual(parts.first, .text("-v"))
    }
}

/// Counts its runs in a session-owned object so parallel tests do not share the count.
private struct CountingCommand: Command {
    let spec = CommandSpec("count", summary: "counts how often it runs")

    func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let objects = context.session.objects
        let log = (try? objects.lookup("counter")) as? FakeObject ?? FakeObject(kind: .counter, name: "counter")
        if objects.handle(of: log) == nil { try objects.add(log, name: "counter") }
        try log.close()
        return .nothing
    }

    static func calls(in session: Session) -> Int {
        ((try? session.objects.lookup("counter")) as? FakeObject)?.closeCount ?? 0
    }
}
