import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide
import LabOS

/// Lines of a script: from a file or from standard input.
protocol LineSource {
    mutating func next() -> String?
}

struct StandardInputLines: LineSource {
    mutating func next() -> String? { readLine(strippingNewline: true) }
}

struct ScriptLines: LineSource {
    private var lines: [Substring]
    private var index = 0
    init(_ text: String) { lines = text.split(separator: "\n", omittingEmptySubsequences: false) }
    mutating func next() -> String? {
        guard index < lines.count else { return nil }
        defer { index += 1 }
        if index == lines.count - 1 && lines[index].isEmpty { return nil }
        return String(lines[index])
    }
}

/// Wires the session to the terminal or a script: reading lines, running them, printing outcomes, and
/// ending everything on every exit path.
final class Frontend {
    let session: Session
    let options: GlobalOptions
    let terminal = TerminalSettings(fd: 0)
    let capabilities: TerminalCapabilities

    init(options: GlobalOptions, capabilities: TerminalCapabilities? = nil) {
        self.options = options
        let capabilities = capabilities ?? .current(noColorFlag: options.noColor)
        self.capabilities = capabilities
        let language = options.language ?? LabCatalog.languageFromEnvironment()
        session = Session(settings: Settings(output: options.json ? .json : options.csv ? .csv : .human, color: capabilities.colorOnOutput, language: language),
                          environment: SessionEnvironment(labsDirectory: Frontend.labsDirectory(), stateDirectory: Files.stateDirectory))
    }

    /// Output coloured as the session's setting says (`set color` may change it), errors only on a terminal.
    private var output: Output {
        Output(color: session.settings.color, errorColor: session.settings.color && capabilities.colorOnErrors)
    }

    /// A progress bar for long commands, where one may be drawn (see `TerminalCapabilities`).
    private func startProgress() -> ProgressBar? {
        guard capabilities.progress, session.settings.output == .human else { return nil }
        let progress = ProgressBar()
        session.progressReporter = { fraction, label in progress.report(fraction, label) }
        return progress
    }

    /// Ctrl-C cancels the running command; SIGTERM/SIGHUP end every object, put the terminal back, and die by
    /// the same signal. Commands run on the main thread, which lives as long as the shell: PR_SET_PDEATHSIG of the
    /// workers it spawns fires when the spawning *thread* ends.
    private func startSignalHandling() -> Bool {
        Signals.ignoreBrokenPipe()
        let session = self.session
        let terminal = self.terminal
        do {
            try Signals.watch(onInterrupt: { session.cancelRunning() }, onTerminate: { signal in
                session.shutdown()
                // conclab's Python folder of this session (files a program wrote) goes with it.
                Scratch.removeAll()
                terminal.restore()
                Signals.dieBy(signal)
            })
            return true
        } catch {
            Output(color: false).say("conclab: cannot start: \(error)\n", to: 2)
            return false
        }
    }

    func runInteractive() -> Int32 {
        guard startSignalHandling() else { return 1 }
        var historyPath: String? = Files.stateDirectory + "/history"
        do { try Files.makeDirectories(Files.stateDirectory) } catch {
            Output(color: false).say("conclab: history will not be saved: \(error)\n", to: 2)
            historyPath = nil
        }
        guard let editor = LineEditor(session: session, historyPath: historyPath) else {
            Output(color: false).write("conclab: cannot initialise libedit\n", to: 2)
            return 1
        }
        let progress = startProgress()
        output.sayWrapped("conclab \(conclabVersion) — a concurrency lab. 'help' lists commands, Tab completes, Ctrl-D leaves.\n")
        for problem in editor.readSettings() { output.say("conclab: \(problem)\n", to: 2) }
        // At the Python prompt (`py` alone): the lines of the statement typed so far; nil at conclab's prompt.
        var python: [String]?
        while true {
            for notice in session.takeNotices() { output.sayWrapped(notice + "\n", to: 2) }
            editor.pythonPrompt = python != nil
            if let lines = python {
                editor.setPrompt(lines.isEmpty ? ">>> " : "... ")
                switch editor.read() {
                case .endOfFile:
                    output.write("\n")
                    if lines.isEmpty { python = nil } else { python = [] }
                case .interrupted:
                    output.write("^C\nKeyboardInterrupt\n")
                    python = []
                case .line(let line):
                    if lines.isEmpty && line.trimmed().isEmpty { python = nil; continue }
                    if !line.trimmed().isEmpty { editor.remember(line) }
                    let source = (lines + [line]).joined(separator: "\n")
                    if PyInput.needsMore(source) { python = lines + [line]; continue }
                    python = []
                    session.typed("py " + source)
                    session.settings.terminalColumns = System.terminalColumns(1)
                    let interruptsBefore = Signals.interruptCount
                    let outcome = session.executePython(source)
                    progress?.clear()
                    if Signals.isTerminating { Signals.waitForTermination() }
                    if outcome.failure?.kind == .cancelled || Signals.interruptCount != interruptsBefore { output.write("\n", to: 2) }
                    output.fitted(bounded: true).show(outcome, session: session)
                    noteExit(outcome)
                }
                continue
            }
            editor.setPrompt(LabGuide.promptPrefix(session).escapingControlCharacters() + "conclab> ")
            switch editor.read() {
            case .endOfFile:
                output.write("\n")
                return leave(status: ExitStatus.success)
            case .interrupted:
                output.write("^C\n")
                continue
            case .line(let line):
                let trimmed = line.trimmed()
                guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
                if trimmed == "py" || trimmed == "python" {
                    editor.remember(trimmed)
                    output.sayWrapped("The Python prompt (conclab's interpreter, globals kept). An empty line or Ctrl-D goes back.\n")
                    python = []
                    continue
                }
                editor.remember(trimmed)
                session.typed(trimmed)
                let interruptsBefore = Signals.interruptCount
                session.settings.terminalColumns = System.terminalColumns(1)
                let outcome = session.execute(trimmed)
                progress?.clear()
                if Signals.isTerminating { Signals.waitForTermination() }
                // The terminal echoed ^C without a newline (a command may end on Ctrl-C with what it measured).
                if outcome.failure?.kind == .cancelled || Signals.interruptCount != interruptsBefore { output.write("\n", to: 2) }
                output.fitted(bounded: true).show(outcome, session: session)
                noteExit(outcome)
                switch outcome.directive {
                case .exit: return leave(status: ExitStatus.success)
                case .clearScreen: output.write("\u{1B}[H\u{1B}[2J")
                case .none, .printInFull: break
                }
            }
        }
    }

    /// One command given on conclab's command line (`conclab lab list`): its output as at the prompt, without the
    /// prompt's echo. Status 0 when it succeeded, 1 when it failed, 2 for a usage error (a bad argument, an
    /// unknown command), 130 when Ctrl-C stopped it.
    func runOnce(_ line: String) -> Int32 {
        guard startSignalHandling() else { return 1 }
        let progress = startProgress()
        let interruptsBefore = Signals.interruptCount
        session.typed(line)
        session.settings.terminalColumns = System.terminalColumns(1)
        let outcome = session.execute(line)
        progress?.clear()
        if Signals.isTerminating { Signals.waitForTermination() }
        output.fitted(bounded: false).show(outcome, session: session)
        for notice in session.takeNotices() { output.say(notice + "\n", to: 2) }
        if Signals.interruptCount != interruptsBefore || outcome.failure?.kind == .cancelled { return leave(status: ExitStatus.interrupted) }
        switch outcome.failure?.kind {
        case nil: return leave(status: ExitStatus.success)
        case .usage?, .unknownCommand?: return leave(status: ExitStatus.usage)
        case .failed?, .cancelled?: return leave(status: outcome.failure?.exitStatus ?? ExitStatus.failure)
        }
    }

    /// At the prompt, a program that ended itself with a non-zero status (`sys.exit(3)`) gets one short line saying
    /// so: the shell goes on, as it would after python3 returned that status to a shell.
    private func noteExit(_ outcome: Outcome) {
        guard let status = outcome.failure?.exitStatus, status != 0 else { return }
        output.write(HumanRenderer(color: output.errorColor).dim("(the program exited with status \(status))") + "\n", to: 2)
    }

    /// Script mode: each line echoed after the prompt, then its output; stops at the first failure
    /// unless `keepGoing`; status 1 if any command failed, 130 if interrupted.
    func runScript<Source: LineSource>(_ source: Source, keepGoing: Bool) -> Int32 {
        guard startSignalHandling() else { return 1 }
        var source = source
        var lineNumber = 0
        var failed = false
        let json = session.settings.output == .json
        while let raw = source.next() {
            lineNumber += 1
            let line = raw.trimmed()
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            // The echo is for people: JSON and CSV keep stdout to the data.
            if session.settings.output == .human { Output(color: false).say("conclab> \(line)\n") }
            session.typed(line)
            let interruptsBefore = Signals.interruptCount
            session.settings.terminalColumns = System.terminalColumns(1)
            let outcome = session.execute(line)
            if Signals.isTerminating { Signals.waitForTermination() }
            Output(color: false, lineNumber: lineNumber).fitted(bounded: false).show(outcome, session: session)
            for notice in session.takeNotices() { Output(color: false).say(notice + "\n", to: 2) }
            if Signals.interruptCount != interruptsBefore || outcome.failure?.kind == .cancelled {
                if !json { Output(color: false).write("interrupted at line \(lineNumber)\n", to: 2) }
                return leave(status: ExitStatus.interrupted)
            }
            if !outcome.succeeded {
                failed = true
                if !keepGoing {
                    if !json { Output(color: false).write("stopped at line \(lineNumber) (use --keep-going to go on)\n", to: 2) }
                    break
                }
            }
            if outcome.directive == .exit { break }
        }
        return leave(status: failed ? ExitStatus.failure : ExitStatus.success)
    }

    /// The folder of labs that adds to the built-in ones (a lab there replaces the built-in lab of the same id):
    /// $CONCLAB_LABS, else the nearest `Labs` holding `en/` above the executable (in a checkout, the labs as they are
    /// on disk, edits not yet built in included), else none.
    static func labsDirectory() -> String? {
        if let env = System.environment("CONCLAB_LABS"), !env.isEmpty { return env }
        if let exe = System.executablePath() {
            var dir = exe.split(separator: "/").dropLast().map(String.init)
            while !dir.isEmpty {
                let candidate = "/" + dir.joined(separator: "/") + "/Labs"
                if Files.isDirectory(candidate + "/en") { return candidate }
                dir.removeLast()
            }
        }
        return nil
    }

    /// Ends every live object and reports any that would not end.
    private func leave(status: Int32) -> Int32 {
        // SIGTERM/SIGHUP: the watcher thread is ending everything and will die by that signal.
        if Signals.isTerminating { Signals.waitForTermination() }
        let failures = session.shutdown()
        for (handle, reason) in failures {
            Output(color: false).say("conclab: could not end \(handle): \(reason)\n", to: 2)
        }
        // conclab's Python folder of this session (files a program wrote) goes with it.
        Scratch.removeAll()
        terminal.restore()
        return status
    }
}
