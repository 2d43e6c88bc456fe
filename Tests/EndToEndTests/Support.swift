import Foundation
import LabOS
import Testing
import TestSupport

/// The parent of half of the end-to-end suites (the other half are `EndToEndSecondLine`'s), so they run one test at a
/// time: each starts processes (and tmux servers), and their timings need the machine not crowded by more of them.
/// The two lines run beside each other, which halves the wall time. A child launched by a test of one line holds the
/// other line's descriptors only until `Launched`'s wrapper closes every one it inherited, before the program runs.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct EndToEnd {}

/// The second line of end-to-end suites, one test at a time like `EndToEnd`'s and beside them: the terminal (tmux)
/// and browser suites, and the built-in labs'.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct EndToEndSecondLine {}

/// A problem in the test set-up itself (no binary, a tool that would not start), reported as the test's failure.
struct SetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Where the binary under test is: $CONCLAB_BIN, else `<package root>/.build/debug/conclab`.
enum Conclab {
    /// Tests/EndToEndTests/Support.swift → up three levels is the package root.
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static func binary() throws -> String {
        let path: String
        if let given = System.environment("CONCLAB_BIN"), !given.isEmpty {
            path = given
        } else {
            path = packageRoot + "/.build/debug/conclab"
        }
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw SetupError("the conclab binary is missing at \(path): run `swift build` first (`make test` builds it), "
                + "or point CONCLAB_BIN at a built conclab")
        }
        return path
    }
}


/// A fresh directory under the system temporary directory; `remove()` deletes it and all it holds.
struct TemporaryDirectory {
    let path: String

    init(_ label: String) throws {
        let base = FileManager.default.temporaryDirectory.path
        path = base + "/conclab-e2e-\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ text: String) throws -> String {
        let target = file(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: target))
        return target
    }

    func read(_ name: String) -> String {
        (try? String(contentsOfFile: file(name), encoding: .utf8)) ?? ""
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// What one finished run of the binary printed and how it ended.
struct RunResult: CustomStringConvertible {
    var termination: TerminationStatus
    var stdout: String
    var stderr: String

    /// The exit code, or nil when a signal ended the process.
    var status: Int32? {
        if case .exited(let code) = termination { return code }
        return nil
    }

    var stdoutLines: [String] { lines(stdout) }
    var stderrLines: [String] { lines(stderr) }

    var description: String { "\(termination)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

func lines(_ text: String) -> [String] {
    var result = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if result.last == "" { result.removeLast() }
    return result
}

/// A child process started the way a terminal's shell would start it: ChildProcess.spawn (LabOS) with an empty signal
/// mask and default dispositions, and no descriptor but 0, 1 and 2. stdout and stderr go to files (no pipe can
/// fill up and block it); stdin is a file, or a pipe the test writes with `send`.
///
/// Not Foundation's Process: its children inherit the spawning thread's signal mask (SIGINT, SIGHUP, SIGTERM,
/// SIGCHLD blocked on the test runner's threads), and it sees a child end only when every copy of a socket the
/// child inherits is closed, so a daemon the child starts (the tmux server) makes it wait forever.
final class Launched {
    let pid: Int32
    let directory: TemporaryDirectory
    private var input: Int32?
    private var ended: TerminationStatus?

    /// Plumbing run by bash before it becomes the program: stdin, stdout, stderr, then every other descriptor
    /// closed (a long-lived child such as the tmux server must hold nothing of the test's).
    private static let wrapper = #"""
        in=$1; out=$2; err=$3; shift 3
        if [ "$in" = "-" ]; then exec 0<&3; else exec 0<"$in"; fi
        exec 1>"$out" 2>"$err"
        for fd in /proc/$$/fd/*; do fd=${fd##*/}; if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null; fi; done
        exec "$@"
        """#

    /// `environment`: variables to set, or to remove (nil), on top of the test's own.
    init(executable: String, arguments: [String], stdin: String? = nil, keepInputOpen: Bool = false,
         environment: [String: String?] = [:]) throws {
        // A write to a shell that already ended must give EPIPE, not kill the test runner.
        Signals.ignoreBrokenPipe()
        for tool in ["/bin/bash", "/usr/bin/env"] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw SetupError("\(tool) is needed to start processes in the end-to-end tests")
        }
        directory = try TemporaryDirectory("run")
        var channel: (read: Int32, write: Int32)?
        defer { if let channel { try? FileDescriptor(channel.read).close() } }
        do {
            let stdinPath: String
            if keepInputOpen {
                channel = try System.pipe()
                stdinPath = "-"
            } else {
                stdinPath = try directory.write("stdin", stdin ?? "")
            }
            var env = ["NO_COLOR": "1", "XDG_STATE_HOME": directory.path] as [String: String?]
            env.merge(environment) { _, new in new }
            let removed = env.filter { $0.value == nil }.keys.sorted().flatMap { ["-u", $0] }
            let assigned = env.compactMap { key, value in value.map { "\(key)=\($0)" } }.sorted()
            let argv = ["bash", "-c", Self.wrapper, "conclab-e2e-launch", stdinPath, directory.file("stdout"), directory.file("stderr"),
                        "/usr/bin/env"] + removed + assigned + [executable] + arguments
            pid = try ChildProcess.spawn(.init(executable: "/bin/bash", arguments: Array(argv.dropFirst()), programName: argv[0],
                                               descriptors: channel.map { [.init(parent: $0.read, child: 3)] } ?? []))
            input = channel?.write
        } catch {
            if let channel { try? FileDescriptor(channel.write).close() }
            directory.remove()
            throw error
        }
    }

    var stdout: String { directory.read("stdout") }
    var stderr: String { directory.read("stderr") }

    /// Writes to the process's stdin (only with `keepInputOpen`).
    func send(_ text: String) throws {
        guard let input else { throw SetupError("stdin is not an open pipe") }
        try FileDescriptor(input).writeAll(text)
    }

    func closeInput() {
        if let input { try? FileDescriptor(input).close() }
        input = nil
    }

    /// How it ended, once it has (reaps it).
    var termination: TerminationStatus? {
        if ended == nil { ended = try? ChildProcess.reap(pid, block: false) }
        return ended
    }

    /// Waits for the process to end; kills it and throws if it has not ended within `seconds`.
    @discardableResult
    func finish(within seconds: Double = 20) throws -> RunResult {
        let finished = eventually(within: seconds) { termination != nil }
        closeInput()
        guard finished, let termination else {
            kill()
            throw SetupError("process \(pid) did not end within \(seconds) s; killed it.\n--- stdout\n\(stdout)--- stderr\n\(stderr)")
        }
        return RunResult(termination: termination, stdout: stdout, stderr: stderr)
    }

    /// SIGKILL, then reap.
    func kill() {
        guard termination == nil else { return }
        try? ChildProcess.signal(pid, Signals.kill)
        if ended == nil { ended = try? ChildProcess.reap(pid, block: true) }
    }

    /// Ends the process if it still runs, and deletes its files.
    func cleanUp() {
        closeInput()
        kill()
        directory.remove()
    }
}

/// Runs conclab to the end: `stdin` (when given) arrives as a file, not a terminal.
func runConclab(_ arguments: [String], stdin: String? = nil) throws -> RunResult {
    let run = try Launched(executable: try Conclab.binary(), arguments: arguments, stdin: stdin)
    defer { run.cleanUp() }
    return try run.finish()
}

/// Runs `lines` as a script with `--json --keep-going`; one parsed object per command line.
func jsonScript(_ lines: [String]) throws -> (results: [[String: Any]], run: RunResult) {
    let run = try runConclab(["--json", "--keep-going"], stdin: lines.joined(separator: "\n") + "\n")
    let results = run.stdoutLines.compactMap { line in
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    }
    return (results, run)
}

/// The fields of a record result, or the summary plus `rows` of a table result.
func resultFields(_ outcome: [String: Any]) -> [String: Any] {
    guard let result = outcome["result"] as? [String: Any] else { return [:] }
    if let fields = result["fields"] as? [String: Any] { return fields }
    var all = result["summary"] as? [String: Any] ?? [:]
    all["rows"] = result["rows"]
    return all
}

func resultRows(_ outcome: [String: Any]) -> [[String: Any]] { resultFields(outcome)["rows"] as? [[String: Any]] ?? [] }

func succeeded(_ outcome: [String: Any]) -> Bool { outcome["ok"] as? Bool == true }

/// Processes as /proc shows them.
enum Processes {
    /// The name worker processes give themselves (their main thread's name, shown in /proc/PID/stat).
    static let workerName = "conclab-worker"

    /// Whether `stat` is a conclab process: a worker, or a worker that has not yet renamed itself (or the shell).
    static func isConclab(_ stat: ProcFS.Stat) -> Bool {
        if stat.command == workerName { return true }
        let binary = (try? Conclab.binary()).map { String($0.split(separator: "/").last ?? "") } ?? "conclab"
        return stat.command == String(binary.prefix(15))
    }

    static func children(of parent: Int32) -> [ProcFS.Stat] {
        ProcFS.allProcesses().filter { $0.parentPID == parent }
    }

    /// Whether a worker `pid` of the shell `shellPID` is gone: no such process (or the pid now names another
    /// program), or a zombie that the shell no longer holds (a zombie of ours is reaped here).
    static func workerIsGone(_ pid: Int32, shellPID: Int32) -> Bool {
        // A pid no longer naming a conclab process was reused after the worker went.
        guard let stat = ProcFS.stat(pid: pid), isConclab(stat) else { return true }
        guard stat.state.hasEnded else { return false }
        if stat.parentPID == System.processID {
            // The test process became its reaper (a subreaper above us): reap it so it really goes.
            _ = try? ChildProcess.reap(pid, block: false)
            return ProcFS.stat(pid: pid) == nil
        }
        return stat.parentPID != shellPID
    }

    /// Whether a thread of the shell is inside a nanosleep, i.e. running `sleep` (the shell's other threads
    /// wait in futex or sigwait). False where /proc does not show wait channels.
    static func commandIsSleeping(_ shellPID: Int32) -> Bool {
        ProcFS.threadIDs(pid: shellPID).contains { ProcFS.waitChannel(tid: $0, pid: shellPID)?.contains("nanosleep") == true }
    }

    /// Kills leftovers a failed test may leave behind (only conclab workers, by pid).
    static func killWorkers(_ pids: [Int32]) {
        for pid in pids where ProcFS.stat(pid: pid).map(isConclab) == true {
            try? ChildProcess.signal(pid, Signals.kill)
        }
    }
}

/// One tmux server on a private socket running conclab in a pane of a fixed size.
final class TmuxShell {
    static let tmux = "/usr/bin/tmux"

    /// Runs `body` with a shell started in a fresh state folder; the tmux server and the folder always go away.
    static func with(_ body: (TmuxShell) throws -> Void) throws {
        let state = try TemporaryDirectory("state")
        defer { state.remove() }
        let shell = try TmuxShell(stateHome: state.path)
        defer { shell.close() }
        try shell.start()
        try body(shell)
    }

    let socket = "conclab-test-\(UUID().uuidString.prefix(12))"
    /// Where tmux put the socket (it leaves the file behind when the server ends).
    private var socketPath: String?
    let session = "e2e"
    let stateHome: String
    private var shellPIDs: [Int32] = []

    /// Variables the shell gets besides HOME and XDG_STATE_HOME.
    private let environment: [String: String]
    /// Where the shell's stderr goes instead of the pane, if anywhere.
    private let standardError: String?
    let directory: String?
    /// The pane's size.
    let columns: Int
    let rows: Int

    /// `stateHome` becomes XDG_STATE_HOME (the history file lives under it) and HOME (so no `.editrc` of the
    /// machine's user is read); `environment` adds variables; `standardError` sends stderr to that file.
    /// `directory` is the shell's working folder (where a fix-it step writes its file); by default tmux's own.
    init(stateHome: String, environment: [String: String] = [:], standardError: String? = nil, columns: Int = 120, rows: Int = 40,
         directory: String? = nil) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.tmux) else {
            throw SetupError("tmux is not installed at \(Self.tmux)")
        }
        self.directory = directory
        self.stateHome = stateHome
        self.environment = environment
        self.standardError = standardError
        self.columns = columns
        self.rows = rows
    }

    /// Starts conclab in a new detached session and waits for its first prompt.
    func start() throws {
        let binary = try Conclab.binary()
        let variables = (["HOME": stateHome, "XDG_STATE_HOME": stateHome].merging(environment) { _, given in given })
            .sorted { $0.key < $1.key }.map { "\($0.key)=\(shellQuote($0.value))" }.joined(separator: " ")
        let command = "exec env -u EDITRC \(variables) \(shellQuote(binary))" + (standardError.map { " 2>" + shellQuote($0) } ?? "")
        let result = try tmux(["-f", "/dev/null", "new-session", "-d", "-s", session, "-x", String(columns), "-y", String(rows)]
                              + (directory.map { ["-c", $0] } ?? []) + [command])
        guard result.status == 0 else { throw SetupError("tmux new-session failed: \(result)") }
        let facts = lines((try? tmux(["display-message", "-p", "-t", session, "#{pane_pid}\n#{socket_path}"]).stdout) ?? "")
        if let first = facts.first, let pid = Int32(first) { shellPIDs.append(pid) }
        if facts.count > 1, facts[1].hasSuffix("/" + socket) { socketPath = facts[1] }
        try waitFor("the first prompt") { $0.contains { $0.hasPrefix("conclab>") } }
    }

    /// The pid of the conclab the last `start` ran (env execs it, so it is the pane's process).
    var shellPID: Int32? { shellPIDs.last }

    /// Types text literally.
    func type(_ text: String) throws { _ = try tmux(["send-keys", "-t", session, "-l", text]) }

    /// Presses keys by tmux name: Enter, Left, Up, Tab, C-c, C-d …
    func press(_ keys: String..., times: Int = 1) throws {
        let all = Array(repeatElement(keys, count: times).joined())
        _ = try tmux(["send-keys", "-t", session] + all)
    }

    /// The visible screen, one string per row, trailing blanks removed.
    func screen() -> [String] {
        guard let result = try? tmux(["capture-pane", "-p", "-t", session]), result.status == 0 else { return [] }
        return lines(result.stdout).map { row in
            var row = Substring(row)
            while row.last == " " { row = row.dropLast() }
            return String(row)
        }
    }

    /// Everything the pane shows and scrolled past, with each line the terminal wrapped joined back into one
    /// (`capture-pane -J`): a line longer than the pane is one the program wrote too long.
    func joinedHistory() -> [String] {
        guard let result = try? tmux(["capture-pane", "-p", "-J", "-S", "-", "-t", session]), result.status == 0 else { return [] }
        return lines(result.stdout).map { row in
            var row = Substring(row)
            while row.last == " " { row = row.dropLast() }
            return String(row)
        }
    }

    /// The visible screen with its colours and attributes as escape sequences (tmux's own rendering of them).
    func screenWithEscapes() -> [String] {
        guard let result = try? tmux(["capture-pane", "-p", "-e", "-t", session]), result.status == 0 else { return [] }
        return lines(result.stdout)
    }

    /// From now on, every byte the programs in the pane write (what is later erased too) is appended to `path`.
    func recordOutput(to path: String) throws {
        let result = try tmux(["pipe-pane", "-o", "-t", session, "cat >> " + shellQuote(path)])
        guard result.status == 0 else { throw SetupError("tmux pipe-pane failed: \(result)") }
    }

    /// Polls the screen until `condition` holds; throws with the screen when 10 s pass first.
    func waitFor(_ what: String, within seconds: Double = 10, _ condition: ([String]) -> Bool) throws {
        if eventually(within: seconds, { condition(screen()) }) { return }
        throw SetupError("timed out waiting for \(what); the screen was:\n" + screen().joined(separator: "\n"))
    }

    /// Polls the screen until an empty prompt follows the last row holding `text` (a line Ctrl-C cleared).
    func waitForPrompt(after text: String) throws {
        try waitFor("a fresh prompt after '\(text)'") { screen in
            guard let index = screen.lastIndex(where: { $0.contains(text) }) else { return false }
            return screen[(index + 1)...].contains("conclab>")
        }
    }

    /// Polls the screen until a row equals `row` exactly.
    func waitForRow(_ row: String, within seconds: Double = 10) throws {
        try waitFor("a row '\(row)'", within: seconds) { $0.contains(row) }
    }

    var hasSession: Bool { (try? tmux(["has-session", "-t", session]).status) == 0 }

    /// Kills the server (and so the shell) and any worker a shell of this server left.
    func close() {
        let workers = shellPIDs.flatMap { Processes.children(of: $0) }.map(\.pid)
        _ = try? tmux(["kill-server"])
        if let socketPath { try? FileManager.default.removeItem(atPath: socketPath) }
        if !workers.isEmpty {
            _ = eventually(within: 5) { workers.allSatisfy { ProcFS.stat(pid: $0)?.command != Processes.workerName } }
            Processes.killWorkers(workers)
        }
    }

    /// Runs a tmux client on this server's socket (the first one starts the server, which keeps the clean
    /// signal mask and holds no descriptor of the test: see `Launched`).
    @discardableResult
    func tmux(_ arguments: [String]) throws -> RunResult {
        // Outside any tmux, and with colour as a learner's terminal has it (capture-pane drops the escapes).
        let run = try Launched(executable: Self.tmux, arguments: ["-L", socket] + arguments,
                               environment: ["TMUX": nil, "NO_COLOR": nil])
        defer { run.cleanUp() }
        return try run.finish(within: 10)
    }
}

func shellQuote(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
