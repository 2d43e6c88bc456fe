import Testing
import TestSupport
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide

/// A declaration with every shape of argument and flag.
private let demo = CommandSpec(
    "demo", summary: "a test command",
    arguments: [ArgumentSpec("NAME"), ArgumentSpec("COUNT", .integer, optional: true)],
    flags: [FlagSpec("runs", short: "n", value: .integer, valueName: "N", help: "how many"),
            FlagSpec("verbose", short: "v", help: "say more"),
            FlagSpec("mode", value: .choice(["fast", "slow"]), help: "how"),
            FlagSpec("ratio", value: .number, help: "a number")])

private let demoUsage = "usage: " + demo.usage()

private func parse(_ line: String, spec: CommandSpec = demo) throws -> Arguments {
    try ArgumentReader.parse(Tokenizer.split(line), spec: spec, usage: "usage: " + spec.usage(), source: line)
}

private func usageError(_ line: String, spec: CommandSpec = demo) -> UsageError? {
    do {
        _ = try parse(line, spec: spec)
        return nil
    } catch let error as UsageError {
        return error
    } catch {
        Issue.record("expected a UsageError, got \(error)")
        return nil
    }
}

@Suite struct ArgumentReaderTests {
    @Test func usageComesFromTheDeclaration() {
        expectEqual(demo.usage(), "demo NAME [COUNT] [--runs N] [--verbose] [--mode MODE] [--ratio RATIO]")
        expectEqual(demo.usage(prefix: "lab"), "lab demo NAME [COUNT] [--runs N] [--verbose] [--mode MODE] [--ratio RATIO]")
        let choice = CommandSpec("kill", summary: "", arguments: [ArgumentSpec("SIG", .choice(["TERM", "KILL"]), optional: true)])
        expectEqual(choice.usage(), "kill [TERM|KILL]")
        let variadic = CommandSpec("close", summary: "", arguments: [ArgumentSpec("HANDLE", variadic: true)])
        expectEqual(variadic.usage(), "close HANDLE…")
    }

    @Test func positionalAndOptional() throws {
        let one = try parse("box")
        expectEqual(one.string("NAME"), "box")
        expectEqual(one.string("COUNT"), nil)
        #expect(!one.has("COUNT"))
        let two = try parse("box 12")
        expectEqual(two.string("COUNT"), "12")
        #expect(try two.integer("COUNT") == 12)
        #expect(two.has("COUNT"))
    }

    @Test(arguments: ["box --runs 7", "box --runs=7", "box -n 7", "--runs 7 box", "-n=7 box"])
    func flagWithValue(_ line: String) throws {
        let args = try parse(line)
        expectEqual(args.string("NAME"), "box")
        expectEqual(args.string("runs"), "7")
        #expect(try args.integer("runs", default: 1) == 7)
    }

    @Test(arguments: ["box --verbose", "box -v", "-v box"])
    func booleanFlag(_ line: String) throws {
        let args = try parse(line)
        #expect(args.flag("verbose"))
        #expect(!args.flag("runs"))
        expectEqual(args.string("NAME"), "box")
    }

    @Test func negativeNumbersAreNotFlags() throws {
        let args = try parse("box -3")
        #expect(try args.integer("COUNT") == -3)
    }

    @Test func doubleDashEndsFlags() throws {
        #expect(try parse("-- -v").string("NAME") == "-v")
        #expect(try parse("'-v'").string("NAME") == "-v")
    }

    @Test func integerDefaultAndRange() throws {
        let args = try parse("box 50")
        #expect(try args.integer("runs", default: 10) == 10)
        #expect(try args.integer("COUNT", default: 1, range: 0...100) == 50)
        let error = errorText { _ = try args.integer("COUNT", default: 1, range: 0...10) }
        expectEqual(error, "COUNT must be between 0 and 10, got 50")
    }

    @Test(arguments: [
        ("box --rusn 3", "unknown option '--rusn'; did you mean '--runs'?"),
        ("box --verbos", "unknown option '--verbos'; did you mean '--verbose'?"),
        ("box --zzzzzz", "unknown option '--zzzzzz'"),
        ("box -x", "unknown option '-x'"),
        ("", "missing NAME"),
        ("box ten", "COUNT must be a whole number, got 'ten'"),
        ("box 1.5", "COUNT must be a whole number, got '1.5'"),
        ("box --runs lots", "--runs must be a whole number, got 'lots'"),
        ("box --runs", "--runs needs a value (N)"),
        ("box --verbose=yes", "--verbose takes no value"),
        ("box --mode fsat", "--mode must be one of fast, slow, got 'fsat'; did you mean 'fast'?"),
        ("box --mode medium", "--mode must be one of fast, slow, got 'medium'"),
        ("box --ratio x", "--ratio must be a number, got 'x'"),
        ("box 1 2", "unexpected argument '2'"),
    ])
    func badArguments(_ line: String, _ message: String) {
        let error = usageError(line)
        expectEqual(error?.message, message)
        expectEqual(error?.usage, demoUsage)
    }

    @Test(arguments: ["box --ratio 0.5", "box --ratio 1_000", "box --ratio 1e3", "box --ratio -2"])
    func numbersAccepted(_ line: String) throws {
        #expect(try parse(line).string("ratio") != nil)
    }

    @Test func choiceAccepted() throws {
        #expect(try parse("box --mode slow").string("mode") == "slow")
    }

    @Test func variadicTakesTheRest() throws {
        let spec = CommandSpec("close", summary: "", arguments: [ArgumentSpec("HANDLE", variadic: true)])
        #expect(try parse("p1 p2 t3", spec: spec).strings("HANDLE") == ["p1", "p2", "t3"])
        expectEqual(usageError("", spec: spec)?.message, "missing HANDLE")
        let optional = CommandSpec("echo", summary: "", arguments: [ArgumentSpec("TEXT", optional: true, variadic: true)])
        #expect(try parse("", spec: optional).strings("TEXT") == [])
        let integers = CommandSpec("sum", summary: "", arguments: [ArgumentSpec("N", .integer, variadic: true)])
        expectEqual(usageError("1 2 x", spec: integers)?.message, "N must be a whole number, got 'x'")
    }

    @Test func requireNamesTheMissingArgument() throws {
        let args = try parse("box")
        #expect(try args.require("NAME") == "box")
        #expect(errorText { _ = try args.require("COUNT") } == "missing COUNT")
    }

    @Test func rawTextKeepsQuotesAndStopsAtTheStageEnd() throws {
        let spec = CommandSpec("check", summary: "", arguments: [ArgumentSpec("EXPR", .expression, variadic: true)])
        let line = "state == 'run ning'  | where x"
        let split = try Tokenizer.split(line)
        let stage = Array(split.prefix { !$0.isPipe })
        let pipeWord = split.first(where: \.isPipe)
        let pipe = try #require(pipeWord)
        let args = try ArgumentReader.parse(stage, spec: spec, usage: "", source: line, stageEnd: pipe.start)
        expectEqual(args.rawText("EXPR"), "state == 'run ning'")
        expectEqual(args.rawText("nothing"), nil)
    }
}

@Suite struct ParseIntegerTests {
    @Test(arguments: [
        ("10000", 10_000), ("10_000", 10_000), ("1_000_000", 1_000_000), ("10^7", 10_000_000), ("1e7", 10_000_000),
        ("1E3", 1_000), ("3e2", 300), ("2^10", 1_024), ("2^20", 1_048_576), ("-3", -3), ("+5", 5), ("0", 0),
        ("-1e3", -1_000), ("9e18", 9_000_000_000_000_000_000), ("9223372036854775807", Int.max),
    ] as [(String, Int)])
    func accepted(_ text: String, _ value: Int) {
        expectEqual(Arguments.parseInteger(text), value)
    }

    @Test(arguments: ["", "abc", "1.5", "1e", "e5", "^3", "1e-3", "10^-1", "1e19", "2^64", "10^19",
                      "9223372036854775808", "0x10", "1e1e1", "ten", "_", "5 ", " 5"])
    func rejected(_ text: String) {
        expectEqual(Arguments.parseInteger(text), nil)
    }
}

@Suite struct CommandArgumentTests {
    private let bench = Registry.standard.find("bench")?.spec

    private func parseBench(_ line: String) throws -> Arguments {
        let spec = try #require(bench)
        return try ArgumentReader.parse(Tokenizer.split(line), spec: spec, usage: "", source: line)
    }

    @Test func benchKeepsItsOwnFlags() throws {
        let args = try parseBench("echo x -n 5")
        expectEqual(args.string("runs"), "5")
        expectEqual(args.strings("COMMAND"), ["echo", "x"])
        expectEqual(args.commandLine, "echo x")
    }

    @Test func flagsBeforeTheCommandAreBenchs() throws {
        let args = try parseBench("--warmup 2 sleep 5 --runs 20")
        expectEqual(args.string("warmup"), "2")
        expectEqual(args.string("runs"), "20")
        expectEqual(args.commandLine, "sleep 5")
    }

    @Test func innerUnknownFlagsGoToTheInnerCommand() throws {
        let args = try parseBench("proc wait p1 --timeout 100 -n 2")
        expectEqual(args.commandLine, "proc wait p1 --timeout 100")
        expectEqual(args.string("runs"), "2")
    }

    @Test func unknownFlagBeforeTheCommandIsAnError() {
        #expect(errorText { _ = try parseBench("--fast echo x") } == "unknown option '--fast'")
    }

    @Test func commandLineIsRequoted() throws {
        let args = try parseBench("echo 'a b' \"it's\" '' -n 2")
        expectEqual(args.strings("COMMAND"), ["echo", "a b", "it's", ""])
        expectEqual(args.commandLine, "echo 'a b' 'it'\\''s' ''")
        #expect(try Tokenizer.split(args.commandLine ?? "").map(\.text) == ["echo", "a b", "it's", ""])
    }
}
