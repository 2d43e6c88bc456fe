import ArgumentParser
import LabKit
import LabOS

/// Options every mode shares.
struct GlobalOptions: ParsableArguments {
    @Flag(help: "Print one JSON object per command instead of text.")
    var json = false

    @Flag(name: .customLong("no-color"), help: "Never colour the output (NO_COLOR in the environment does the same).")
    var noColor = false
}

/// `conclab`: the shell; `conclab run FILE`: a script.
struct ConclabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conclab",
        abstract: "A concurrency lab in the terminal: generators, threads, processes, descriptors, pipes and sockets, measured.",
        discussion: "Without a subcommand, opens the shell (commands piped on stdin run as a script).",
        version: conclabVersion,
        subcommands: [ShellMode.self, RunMode.self],
        defaultSubcommand: ShellMode.self)
}

let conclabVersion = "0.1.0"

struct ShellMode: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "shell", abstract: "Open the interactive shell (the default).")

    @OptionGroup var options: GlobalOptions

    @Flag(name: .customLong("keep-going"), help: "In script mode (stdin not a terminal), go on after a failed command.")
    var keepGoing = false

    func run() throws {
        let frontend = Frontend(options: options)
        if System.isTerminal(0) {
            throw ExitCode(frontend.runInteractive())
        }
        throw ExitCode(frontend.runScript(StandardInputLines(), keepGoing: keepGoing))
    }
}

struct RunMode: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run a script of conclab commands, one per line.")

    @OptionGroup var options: GlobalOptions

    @Flag(name: .customLong("keep-going"), help: "Go on after a failed command (the exit status is still 1).")
    var keepGoing = false

    @Argument(help: "The script: one command per line, '#' starts a comment.", completion: .file())
    var file: String

    func run() throws {
        let text: String
        do { text = try Files.readText(file) } catch {
            throw ValidationError("cannot read \(file): \(error.message) (\(error.name))")
        }
        let frontend = Frontend(options: options)
        throw ExitCode(frontend.runScript(ScriptLines(text), keepGoing: keepGoing))
    }
}
