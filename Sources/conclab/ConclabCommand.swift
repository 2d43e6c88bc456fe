import ArgumentParser
import LabKit
import LabCore
import LabTopics
import LabGuide
import LabOS

/// Options every mode shares.
struct GlobalOptions: ParsableArguments {
    @Flag(help: "Print one JSON object per command instead of text.")
    var json = false

    @Flag(help: "Print tables (and records) as CSV instead of text; errors and notes go to stderr.")
    var csv = false

    @Flag(name: .customLong("no-color"), help: "Never colour the output (NO_COLOR in the environment does the same).")
    var noColor = false

    @Option(help: ArgumentHelp("Language of the labs: en or ru (default: from LC_ALL/LANG).", valueName: "en|ru"))
    var lang: String?

    mutating func validate() throws {
        if json && csv { throw ValidationError("--json and --csv cannot be used together") }
        if let lang, LabLanguage(rawValue: lang) == nil {
            throw ValidationError("--lang must be en or ru, got '\(lang)'")
        }
    }

    /// The language `--lang` names (validated above).
    var language: LabLanguage? { lang.flatMap(LabLanguage.init(rawValue:)) }

    /// These options as the parser's help lists them, for `conclab --help`: they belong to the modes (so `conclab
    /// --json run F` and `conclab run --json F` mean the same, and a mode without them refuses them), not to the top
    /// command, whose own help would not show them.
    static var helpSection: String {
        let lines = helpMessage(columns: 80).split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: "OPTIONS:") else { return "" }
        return lines[(start + 1)...].filter { !$0.isEmpty && !$0.hasSuffix("--help") && !$0.contains("--help ") }
            .joined(separator: "\n")
    }
}

/// conclab's exit statuses, as `conclab --help` states them.
enum ExitStatus {
    static let success: Int32 = 0
    /// A command or a check failed, or a file could not be read.
    static let failure: Int32 = 1
    /// conclab was called wrongly: an unknown option, a missing or bad argument, an unknown command.
    static let usage: Int32 = 2
    /// Ctrl-C (SIGINT) stopped it.
    static let interrupted: Int32 = 130
}

/// `conclab`: the shell; `conclab run FILE`: a script; `conclab WORDS…`: one shell command.
struct ConclabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conclab",
        abstract: "A concurrency lab in the terminal: generators, threads, processes, descriptors, pipes and sockets, measured.",
        discussion: """
            Without a subcommand, opens the shell; commands piped on stdin run as a script. Other words run as one \
            command of the shell, then conclab exits: 'conclab lab list', 'conclab help proc' (help on a shell command), \
            'conclab help run' (help on a subcommand).

            The labs are built in; a folder named by CONCLAB_LABS (holding en/ and ru/) adds labs, and a lab there \
            replaces the built-in lab of the same id. Line editing is libedit's: $EDITRC, else ~/.editrc, is read after \
            conclab's own keys ('bind -v' for vi keys; Tab and Ctrl-C stay conclab's). Colour only on a terminal, and \
            never with --no-color, NO_COLOR or TERM=dumb; progress bars only when stderr is a terminal and TERM is not \
            dumb.

            Global options (the shell, 'run' and one command; 'replay' takes --json and --lang too):
            \(GlobalOptions.helpSection)

            Exit status: \(ExitStatus.success) when everything succeeded; \(ExitStatus.failure) when a command or a check \
            failed, or a file could not be read; \(ExitStatus.usage) for a usage error (an unknown option, subcommand or \
            command, a missing or bad argument); \(ExitStatus.interrupted) when Ctrl-C stopped it.
            """,
        version: conclabVersion,
        subcommands: [ShellMode.self, RunMode.self, ReplayMode.self, LintMode.self],
        defaultSubcommand: ShellMode.self)

    /// The names of the subcommands (`shell`, `run`, …).
    static var subcommandNames: Set<String> {
        Set(configuration.subcommands.compactMap { $0.configuration.commandName })
    }

    /// Parses and runs, ending the process. A usage error exits with status 2 (ArgumentParser's own is 64), after
    /// the same message and usage line.
    static func run(_ arguments: [String]) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            exit()
        } catch let error as ExitCode {
            exit(withError: error)
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            try? FileDescriptor.standardError.writeAll(fullMessage(for: error) + "\n")
            System.immediateExit(ExitStatus.usage)
        }
    }
}

let conclabVersion = "0.1.0"

struct ShellMode: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "shell", abstract: "Open the interactive shell (the default), or run one of its commands.")

    @OptionGroup var options: GlobalOptions

    @Flag(name: .customLong("keep-going"), help: "In script mode (stdin not a terminal), go on after a failed command.")
    var keepGoing = false

    @Argument(parsing: .captureForPassthrough,
              help: ArgumentHelp("A command of the shell to run instead of opening it ('lab list'); conclab exits after it.",
                                 valueName: "command"))
    var command: [String] = []

    func validate() throws {
        // The command is taken as it is, options and all; one that starts with a dash was meant for conclab.
        guard let first = command.first, first.hasPrefix("-") else { return }
        if first == "--help" || first == "-h" { throw CleanExit.helpRequest(self) }
        throw ValidationError("Unknown option '\(first)'")
    }

    func run() throws {
        let frontend = Frontend(options: options)
        if !command.isEmpty {
            throw ExitCode(frontend.runOnce(Self.line(command)))
        }
        if System.isTerminal(0) {
            throw ExitCode(frontend.runInteractive())
        }
        throw ExitCode(frontend.runScript(StandardInputLines(), keepGoing: keepGoing))
    }
}

extension ShellMode {
    /// Words from conclab's command line as one line of the shell: each word stays one word (quoted when it must
    /// be), except a lone `|`, which separates pipeline stages as at the prompt.
    static func line(_ words: [String]) -> String {
        words.map { $0 == "|" ? $0 : Tokenizer.quote($0) }.joined(separator: " ")
    }
}

struct RunMode: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run a script of conclab commands, one per line.")

    @OptionGroup var options: GlobalOptions

    @Flag(name: .customLong("keep-going"), help: "Go on after a failed command (the exit status is still 1).")
    var keepGoing = false

    @Argument(help: "The script: one command per line, '#' starts a comment (status 1 if it cannot be read).", completion: .file())
    var file: String

    func run() throws {
        let text: String
        // A script that cannot be read is a failure, not a usage error: the call was right, the file is not there.
        do { text = try Files.readText(file, limit: 16 << 20) } catch let error as OSError {
            Output(color: false).say("conclab: cannot read \(file): \(error.message) (\(error.name))\n", to: 2)
            throw ExitCode(ExitStatus.failure)
        } catch {
            Output(color: false).say("conclab: \(error)\n", to: 2)
            throw ExitCode(ExitStatus.failure)
        }
        let frontend = Frontend(options: options)
        throw ExitCode(frontend.runScript(ScriptLines(text), keepGoing: keepGoing))
    }
}

struct ReplayMode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay labs with no person: run each step's commands, then its checks.",
        discussion: """
            Exit status 0 only if every check passed; a lab whose requirements are not met is skipped. Each lab runs in a \
            fresh session confined to a scratch folder, within bounds: a step may take 60 s and a lab 300 s unless they ask \
            for more (at most 600 s and 1800 s), a lab may print 8 MiB and write 64 MiB. The scratch folder is removed \
            however replay ends; one left by a replay that was killed outright is removed by the next. Where the kernel \
            has Landlock, the labs run in a child it confines: no program but conclab runs, no file is written outside \
            the scratch folder (--check-containment shows it).
            """)

    @Flag(help: "Print a machine-readable summary (one JSON object) instead of the transcript.")
    var json = false

    @Option(help: ArgumentHelp("Only labs in this language (en or ru); default: all.", valueName: "en|ru"))
    var lang: String?

    @Flag(name: .customLong("check-containment"),
          help: "Confine this replay as labs are confined, then try what must be refused (running /bin/sh, writing outside the scratch folder) and report; status 0 only if both were refused.")
    var checkContainment = false

    @Option(help: ArgumentHelp("Also write the results as JUnit XML to FILE (a test suite per lab, a test case per step), for CI.",
                               valueName: "FILE"), completion: .file())
    var junit: String?

    @Flag(name: .customLong("twins-once"),
          help: "Run each en/ru pair given together once: the later twin is judged on the earlier one's run (its own checks and lines, the same results) when both run the same commands, checks, output, predictions, files and requirements in the same order; twins that differ are replayed on their own.")
    var twinsOnce = false

    /// Set by the unconfined parent for the confined child that does the replaying (see `ReplayContainment`).
    @Option(name: .customLong("confined-in"), help: .hidden)
    var confinedIn: String?

    /// Where the confined child leaves the JUnit XML, in its scratch root (it may write nowhere else); the parent
    /// moves it to `--junit FILE`.
    static let junitInRoot = "junit.xml"

    @Argument(help: "Lab files or folders (searched for *.md).", completion: .file())
    var paths: [String] = []

    func validate() throws {
        if paths.isEmpty && !checkContainment { throw ValidationError("give lab files or folders of labs") }
    }

    /// Ends the replay by `signal`, leaving no scratch folder and nothing the labs started. In the parent of a
    /// confined replay, the signal is passed on: the child cleans up, then the parent removes the scratch root.
    static func abandon(by signal: Int32) -> Never {
        ReplayContainment.abandoning.withLock { $0 = true }
        if let child = ReplayContainment.confinedChild.withLock({ $0 }) {
            try? ChildProcess.signal(child, signal)
            _ = try? ChildProcess.reap(child, block: true)
        }
        LabReplayer.abandonAll()
        Signals.dieBy(signal)
    }

    /// The arguments the confined child is given: the same replay.
    private var childArguments: [String] {
        (json ? ["--json"] : []) + (lang.map { ["--lang", $0] } ?? []) + (junit.map { ["--junit", $0] } ?? []) + (checkContainment ? ["--check-containment"] : []) + (twinsOnce ? ["--twins-once"] : []) + paths
    }

    func run() throws {
        // A closed stdout is EPIPE on a write (then the replay ends by SIGPIPE after cleaning up), not a sudden death.
        Signals.ignoreBrokenPipe()
        do {
            try Signals.watch(onInterrupt: { Self.abandon(by: Signals.interrupt) }, onTerminate: { Self.abandon(by: $0) })
        } catch {
            throw ValidationError("cannot start: \(error)")
        }
        let output = Output(color: false)
        let status: ReplayContainment.Status
        if let root = confinedIn {
            status = ReplayContainment.confine(root: root)
        } else {
            // What a replay killed outright (SIGKILL, a crash) left behind.
            Scratch.sweepStale()
            // The labs are replayed by a child the kernel confines; this process only waits and cleans up.
            if let junit {
                // Refused now rather than after the labs ran.
                do { try Files.openForWriting(junit).close() } catch {
                    output.say("conclab: cannot write the JUnit report: \(error)\n", to: 2)
                    throw ExitCode(ExitStatus.failure)
                }
            }
            let junitProblem = Locked<String?>(nil)
            let code = ReplayContainment.runConfinedChild(arguments: childArguments) { root in
                guard let junit else { return }
                do { try Files.writeAtomically(junit, try Files.readText(root + "/" + Self.junitInRoot, limit: 64 << 20)) } catch {
                    junitProblem.withLock { $0 = "\(error)" }
                }
            }
            if let code {
                if let problem = junitProblem.withLock({ $0 }) {
                    output.say("conclab: cannot write the JUnit report: \(problem)\n", to: 2)
                    throw ExitCode(code == 0 ? ExitStatus.failure : code)
                }
                throw ExitCode(code)
            }
            status = ReplayContainment.Status()
        }
        if checkContainment {
            let (lines, contained) = ReplayContainment.selfCheck(status)
            for line in lines { output.say(line + "\n") }
            throw ExitCode(contained ? 0 : 1)
        }
        output.say("conclab: " + status.line + "\n", to: 2)
        let files = try labFiles(in: paths, output: output)
        var limits = ReplayLimits()
        limits.onStuck = { message in
            try? FileDescriptor.standardError.writeAll("conclab: \(message); giving up the replay\n".escapingControlCharacters())
            LabReplayer.abandonAll()
            System.immediateExit(1)
        }
        var reports: [ReplayReport] = []
        var unreadable: [(path: String, reason: String)] = []
        var failures = 0
        for path in files {
            let lab: Lab
            do { lab = try LabParser.parse(try LabCatalog.readLab(path), path: path) } catch {
                output.say("✗ \(error)\n", to: 2)
                unreadable.append((path, "\(error)"))
                failures += 1
                continue
            }
            if let lang, lab.language.rawValue != lang { continue }
            func say(_ line: String) {
                guard !json else { return }
                do throws(OSError) { try FileDescriptor.standardOutput.writeAll(line + "\n") } catch {
                    if error.isBrokenConnection { Self.abandon(by: Signals.brokenPipe) }
                }
            }
            let report: ReplayReport
            if twinsOnce, let twinPath = LabLinter.twin(of: path), let run = reports.first(where: { $0.lab.path == twinPath && $0.judgedOn == nil }),
               let judged = TwinReplay.judge(lab, on: run) {
                report = judged
                for line in TwinReplay.transcript(judged) { say(line.escapingControlCharacters()) }
            } else {
                report = LabReplayer.replay(lab, registry: .standard, limits: limits) { say($0) }
            }
            if report.status == .failed { failures += 1 }
            reports.append(report)
        }
        let passed = reports.filter { $0.status == .passed }.count
        let skipped = reports.filter { $0.status == .skipped }.count
        if json {
            let summary = Record([("labs", .int(reports.count)), ("passed", .int(passed)), ("failed", .int(failures)),
                                  ("skipped", .int(skipped)), ("reports", .list(reports.map { .record($0.json) }))])
            output.write(JSONRenderer.object(summary) + "\n")
        } else {
            output.write("\(reports.count) labs: \(passed) passed, \(failures) failed, \(skipped) skipped\n")
        }
        if let junit {
            do {
                try Files.writeAtomically(confinedIn.map { $0 + "/" + Self.junitInRoot } ?? junit, JUnitReport.xml(reports, unreadable: unreadable))
            } catch {
                output.say("conclab: cannot write the JUnit report: \(error)\n", to: 2)
                throw ExitCode(ExitStatus.failure)
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}

struct LintMode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check lab files: syntax, commands, checks, and that en and ru twins match.")

    @Flag(help: "Print one JSON object (the files read and each problem's path, line and reason) instead of text.")
    var json = false

    @Argument(help: "Lab files or folders.", completion: .file())
    var paths: [String]

    func run() throws {
        let output = Output(color: false)
        let files = try labFiles(in: paths, output: output)
        let errors = LabLinter.lint(paths)
        if json {
            let problems: [Value] = errors.map {
                .record(Record([("path", .string($0.path)), ("line", .int($0.line)), ("reason", .string($0.reason))]))
            }
            output.write(JSONRenderer.object(Record([("files", .int(files.count)), ("problems", .list(problems))])) + "\n")
        } else {
            for error in errors { output.say("\(error)\n") }
            output.write("\(files.count) lab files, \(errors.count) problems\n", to: errors.isEmpty ? 1 : 2)
        }
        if !errors.isEmpty { throw ExitCode(1) }
    }
}

/// The lab files under `paths`, each path that was skipped said on stderr. Paths that hold no lab are a failure
/// (status 1), as a missing script is, not a usage error.
private func labFiles(in paths: [String], output: Output) throws -> [String] {
    let discovery = LabCatalog.discover(paths)
    for note in discovery.skipped { output.say("conclab: \(note)\n", to: 2) }
    guard !discovery.files.isEmpty else {
        output.say("conclab: no lab files found in \(paths.joined(separator: " "))\n", to: 2)
        throw ExitCode(ExitStatus.failure)
    }
    return discovery.files
}
