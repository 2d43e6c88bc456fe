import Foundation
import LabOS
import Testing

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

/// Polls `condition` every 20 ms until it holds or `seconds` pass; the sleep only paces the polling.
func eventually(within seconds: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Clock.monotonicNanoseconds() + Int64(seconds * 1e9)
    while true {
        if try condition() { return true }
        if Clock.monotonicNanoseconds() >= deadline { return false }
        System.sleep(nanoseconds: 20_000_000)
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
    var status: Int32
    var signaled: Bool
    var stdout: String
    var stderr: String

    var stdoutLines: [String] { lines(stdout) }
    var stderrLines: [String] { lines(stderr) }

    var description: String { "status \(status)\(signaled ? " (signal)" : "")\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

func lines(_ text: String) -> [String] {
    var result = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if result.last == "" { result.removeLast() }
    return result
}

/// Starts a process with stdout and stderr going to files (no pipe can fill up and block it).
final class Launched {
    let process = Process()
    let directory: TemporaryDirectory
    private var input: Pipe?

    /// `keepInputOpen`: stdin is a pipe the test writes with `send`; otherwise stdin is the file `stdin`.
    init(executable: String, arguments: [String], stdin: String? = nil, keepInputOpen: Bool = false,
         environment: [String: String?] = [:]) throws {
        // A write to a shell that already ended must give EPIPE, not kill the test runner.
        Signals.ignoreBrokenPipe()
        directory = try TemporaryDirectory("run")
        // The child gets its own copies of these descriptors; ours are closed once it has started.
        var handles: [FileHandle] = []
        defer { for handle in handles { try? handle.close() } }
        do {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            var env = ProcessInfo.processInfo.environment
            env["NO_COLOR"] = "1"
            env["XDG_STATE_HOME"] = directory.path
            for (key, value) in environment { env[key] = value }  // nil removes the variable
            process.environment = env
            if keepInputOpen {
                let pipe = Pipe()
                input = pipe
                process.standardInput = pipe
            } else {
                let path = try directory.write("stdin", stdin ?? "")
                handles.append(try FileHandle(forReadingFrom: URL(fileURLWithPath: path)))
                process.standardInput = handles.last
            }
            for name in ["stdout", "stderr"] {
                let path = try directory.write(name, "")
                handles.append(try FileHandle(forWritingTo: URL(fileURLWithPath: path)))
            }
            process.standardOutput = handles[handles.count - 2]
            process.standardError = handles[handles.count - 1]
            try process.run()
        } catch {
            directory.remove()
            throw error
        }
    }

    var pid: Int32 { process.processIdentifier }
    var stdout: String { directory.read("stdout") }
    var stderr: String { directory.read("stderr") }

    /// Writes to the process's stdin (only with `keepInputOpen`).
    func send(_ text: String) throws {
        guard let input else { throw SetupError("stdin is not a pipe") }
        try input.fileHandleForWriting.write(contentsOf: Data(text.utf8))
    }

    func closeInput() { try? input?.fileHandleForWriting.close() }

    /// Waits for the process to end; kills it and throws if it has not ended within `seconds`.
    @discardableResult
    func finish(within seconds: Double = 20) throws -> RunResult {
        let ended = eventually(within: seconds) { !process.isRunning }
        closeInput()
        if !ended {
            kill()
            _ = eventually(within: 5) { !process.isRunning }
            throw SetupError("\(process.executableURL?.path ?? "process") did not end within \(seconds) s; killed it.\n"
                + "--- stdout\n\(stdout)--- stderr\n\(stderr)")
        }
        return RunResult(status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
                         stdout: stdout, stderr: stderr)
    }

    func kill() {
        if process.isRunning { try? ChildProcess.signal(pid, Signals.kill) }
    }

    /// Ends the process if it still runs and deletes its files.
    func cleanUp() {
        closeInput()
        kill()
        _ = eventually(within: 5) { !process.isRunning }
        directory.remove()
    }
}

/// Runs conclab to the end: `stdin` (when given) arrives as a file, not a terminal.
func runConclab(_ arguments: [String], stdin: String? = nil) throws -> RunResult {
    let run = try Launched(executable: try Conclab.binary(), arguments: arguments, stdin: stdin)
    defer { run.cleanUp() }
    return try run.finish()
}

/// Processes as /proc shows them.
enum Processes {
    /// The name worker processes give themselves (their main thread's name, shown in /proc/PID/stat).
    static let workerName = "conclab-worker"

    static func children(of parent: Int32) -> [ProcFS.Stat] {
        Files.list("/proc").compactMap { name -> ProcFS.Stat? in
            let trimmed = name.hasSuffix("/") ? String(name.dropLast()) : name
            guard let pid = Int32(trimmed), let stat = ProcFS.stat(pid: pid), stat.parentPID == parent else { return nil }
            return stat
        }
    }

    /// Whether a worker `pid` of the shell `shellPID` is gone: no such process (or the pid now names another
    /// program), or a zombie that the shell no longer holds (a zombie of ours is reaped here).
    static func workerIsGone(_ pid: Int32, shellPID: Int32) -> Bool {
        guard let stat = ProcFS.stat(pid: pid), stat.command == workerName else { return true }
        guard stat.state == "Z" || stat.state == "X" else { return false }
        if stat.parentPID == System.processID {
            // The test process became its reaper (a subreaper above us): reap it so it really goes.
            _ = try? ChildProcess.reap(pid, block: false)
            return ProcFS.stat(pid: pid) == nil
        }
        return stat.parentPID != shellPID
    }

    /// Whether the shell's command thread ("conclab-cmd") is inside a nanosleep, i.e. running `sleep`.
    static func commandIsSleeping(_ shellPID: Int32) -> Bool {
        let tasks = "/proc/\(shellPID)/task"
        return Files.list(tasks).contains { name in
            let task = tasks + "/" + (name.hasSuffix("/") ? String(name.dropLast()) : name)
            guard (try? ProcFS.readFile(task + "/comm"))?.hasPrefix("conclab-cmd") == true else { return false }
            return (try? ProcFS.readFile(task + "/wchan"))?.contains("nanosleep") == true
        }
    }

    /// Kills leftovers a failed test may leave behind (only conclab workers, by pid).
    static func killWorkers(_ pids: [Int32]) {
        for pid in pids where ProcFS.stat(pid: pid)?.command == workerName {
            try? ChildProcess.signal(pid, Signals.kill)
        }
    }
}

/// One tmux server on a private socket running conclab in a pane of a fixed size.
final class TmuxShell {
    static let tmux = "/usr/bin/tmux"
    let socket = "conclab-test-\(UUID().uuidString.prefix(12))"
    let session = "e2e"
    let stateHome: String
    private var shellPIDs: [Int32] = []

    /// `stateHome` becomes XDG_STATE_HOME (the history file lives under it).
    init(stateHome: String) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.tmux) else {
            throw SetupError("tmux is not installed at \(Self.tmux)")
        }
        self.stateHome = stateHome
    }

    /// Starts conclab in a new detached session and waits for its first prompt.
    func start() throws {
        let binary = try Conclab.binary()
        let command = "exec env XDG_STATE_HOME=\(shellQuote(stateHome)) \(shellQuote(binary))"
        let result = try tmux(["-f", "/dev/null", "new-session", "-d", "-s", session, "-x", "120", "-y", "40", command])
        guard result.status == 0 else { throw SetupError("tmux new-session failed: \(result)") }
        if let text = try? tmux(["display-message", "-p", "-t", session, "#{pane_pid}"]).stdout,
           let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            shellPIDs.append(pid)
        }
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

    /// Polls the screen until `condition` holds; throws with the screen when 10 s pass first.
    func waitFor(_ what: String, within seconds: Double = 10, _ condition: ([String]) -> Bool) throws {
        if eventually(within: seconds, { condition(screen()) }) { return }
        throw SetupError("timed out waiting for \(what); the screen was:\n" + screen().joined(separator: "\n"))
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
        if !workers.isEmpty {
            _ = eventually(within: 5) { workers.allSatisfy { ProcFS.stat(pid: $0)?.command != Processes.workerName } }
            Processes.killWorkers(workers)
        }
    }

    @discardableResult
    func tmux(_ arguments: [String]) throws -> RunResult {
        let run = try Launched(executable: Self.tmux, arguments: ["-L", socket] + arguments,
                               environment: ["TMUX": nil])
        defer { run.cleanUp() }
        return try run.finish(within: 10)
    }
}

func shellQuote(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
