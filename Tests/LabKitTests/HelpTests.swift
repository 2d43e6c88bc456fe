import Testing
import TestSupport
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide

/// A noun with a stable declaration, so help's golden pages do not change when topics grow.
private struct WidgetNoun: Command {
    let spec = CommandSpec("widget", aliases: ["w"], summary: "widgets for the help tests")
    let verbs: [any Command] = [WidgetMake(), WidgetDrop()]
    let defaultVerb: String? = "drop"
}

private struct WidgetMake: Command {
    let spec = CommandSpec("make", summary: "make a widget that lasts MS milliseconds",
                           arguments: [ArgumentSpec("SHAPE", .choice(["round", "square"]), help: "its shape"),
                                       ArgumentSpec("MS", .integer, help: "how long, in milliseconds")],
                           flags: [FlagSpec("name", value: .word, valueName: "NAME", help: "handle to use instead of w1")],
                           examples: ["widget make round 5000", "widget make square 20 --name sq"])
}

private struct WidgetDrop: Command {
    let spec = CommandSpec("drop", summary: "drop a widget", arguments: [ArgumentSpec("W", .handle(.widget))],
                           examples: ["widget drop w1"])
}

@Suite struct HelpTests {
    let session = Session(registry: Registry([HelpCommand(), WidgetNoun(), SleepCommand(), EchoCommand(),
                                              BenchCommand(), HistoryCommand(), SetCommand()]))

    private func help(_ line: String) -> String {
        let outcome = session.execute(line)
        expectEqual(outcome.failure, nil, "\(line) failed: \(String(describing: outcome.failure))")
        guard case .text(let text) = outcome.result else {
            Issue.record("\(line) should give text, got \(outcome.result)")
            return ""
        }
        return text
    }

    @Test func overviewListsEveryCommand() {
        let text = help("help")
        let lines = text.split(separator: "\n").map(String.init)
        expectEqual(lines.first, "Commands (help NAME for details, Tab completes):")
        #expect(lines.contains("  widget   widgets for the help tests [make drop]"))
        #expect(lines.contains("  echo     print the words given"))
        for command in Registry.standard.commands {
            let page = Help.overview(.standard)
            #expect(page.contains("  " + command.spec.name + " "), "overview misses \(command.spec.name)")
        }
        expectEqual(lines.last?.contains("| where EXPR"), true)
    }

    @Test(arguments: ["help widget", "help w", "help wi", "? widget"])
    func nounPage(_ line: String) {
        let text = help(line)
        let lines = text.split(separator: "\n").map(String.init)
        expectEqual(lines.first, "widget — widgets for the help tests")
        #expect(lines.contains("aliases: w"))
        #expect(lines.contains("verbs:"))
        #expect(lines.contains("  make  make a widget that lasts MS milliseconds"))
        #expect(lines.contains("  widget drop W"))
        #expect(lines.contains("'widget' alone runs 'widget drop'."))
        #expect(lines.contains("examples:"))
        #expect(lines.contains("  widget drop w1"))
    }

    @Test(arguments: ["help widget make", "help widget ma", "help w make"])
    func verbPage(_ line: String) {
        #expect(help(line) == """
            widget make — make a widget that lasts MS milliseconds
            usage: widget make round|square MS [--name NAME]
            arguments:
              SHAPE  its shape
              MS     how long, in milliseconds
            options:
              --name NAME  handle to use instead of w1
            examples:
              widget make round 5000
              widget make square 20 --name sq
            """)
    }

    @Test func shortFlagsShowInOptions() {
        let lines = help("help bench").split(separator: "\n").map(String.init)
        #expect(lines.contains("usage: bench COMMAND… [--runs N] [--warmup W]"))
        #expect(lines.contains("  -n, --runs N    measured runs (default 10)"))
        #expect(lines.contains("  -w, --warmup W  unmeasured runs first (default 1)"))
    }

    @Test func uniquePrefixOpensThePage() {
        #expect(help("help hist").hasPrefix("history — list the commands typed"))
        #expect(help("help ?").hasPrefix("help — show commands"))
    }

    @Test func searchListsCommandsThatMentionTheWord() {
        #expect(help("help milliseconds") == """
            No command named 'milliseconds'; commands that mention it:
              widget make — make a widget that lasts MS milliseconds
              sleep — wait MS milliseconds (Ctrl-C ends it)
            """)
    }

    @Test func ambiguousPrefixSearches() {
        // "s" starts sleep and set: no single page, so the help text is searched.
        #expect(help("help s").hasPrefix("No command named 's'; commands that mention it:"))
    }

    @Test(arguments: [
        ("help zzqqx", "Nothing matches 'zzqqx'. Run 'help' for the list of commands."),
        ("help ecoh", "Nothing matches 'ecoh'. Did you mean 'echo'? Run 'help' for the list of commands."),
    ])
    func nothingMatches(_ line: String, _ message: String) {
        expectEqual(help(line), message)
    }

    @Test(arguments: [
        ("help widget nosuch", "widget has no verb 'nosuch'; verbs: make, drop"),
        ("help echo more", "echo has no verbs"),
    ])
    func noSuchVerb(_ line: String, _ message: String) {
        let outcome = session.execute(line)
        expectEqual(outcome.failure?.kind, .failed)
        expectEqual(outcome.failure?.message, message)
    }

    @Test func everyCommandHasAPageWithUsage() throws {
        for command in Registry.standard.commands {
            let page = try Help.lookup([command.spec.name], in: .standard)
            #expect(page.hasPrefix(command.spec.name + " — " + command.spec.summary))
            #expect(page.contains("usage"))
            for verb in command.verbs {
                let verbPage = try Help.lookup([command.spec.name, verb.spec.name], in: .standard)
                #expect(verbPage.contains("usage: " + verb.spec.usage(prefix: command.spec.name)))
            }
        }
    }
}

@Suite struct SuggestTests {
    @Test(arguments: [
        ("", "abc", 3), ("abc", "", 3), ("", "", 0), ("same", "same", 0), ("Case", "case", 0),
        ("kitten", "sitting", 3), ("flaw", "lawn", 2), ("thred", "thread", 1), ("spwan", "spawn", 2),
        ("a", "b", 1), ("abc", "xyz", 3),
    ] as [(String, String, Int)])
    func distance(_ a: String, _ b: String, _ expected: Int) {
        expectEqual(Suggest.distance(a, b), expected)
        expectEqual(Suggest.distance(b, a), expected)
    }

    @Test(arguments: [
        ("thred", ["thread", "proc"], "thread"),
        ("pro", ["proc", "help"], "proc"),
        ("ehco", ["echo", "exit", "help"], "echo"),
        ("ab", ["ad", "ac"], "ac"),
        ("--rusn", ["--runs", "--mode"], "--runs"),
    ] as [(String, [String], String)])
    func closestFinds(_ word: String, _ candidates: [String], _ expected: String) {
        expectEqual(Suggest.closest(to: word, in: candidates), expected)
    }

    @Test(arguments: [
        ("", ["a", "b"]),
        ("zzzz", ["proc", "help"]),
        ("pr", ["proc", "print"]),
        ("xyzzy", ["exit", "echo"]),
        ("abc", []),
    ] as [(String, [String])])
    func closestGivesUp(_ word: String, _ candidates: [String]) {
        expectEqual(Suggest.closest(to: word, in: candidates), nil)
    }
}
