import LabOS
import Synchronization

/// A child process running conclab in worker mode. The object table owns it: it alone kills and reaps it.
final class WorkerProcess: LabObject {
    let pid: Int32
    let workload: Workload
    let startedAt = Clock.monotonicNanoseconds()
    private let ended = Mutex<TerminationStatus?>(nil)

    var kind: String { "process" }

    init(pid: Int32, workload: Workload) {
        self.pid = pid
        self.workload = workload
    }

    /// Reaps the child if it has ended; the status once it has.
    func poll(block: Bool = false) -> TerminationStatus? {
        ended.withLock { status in
            if status == nil {
                do { status = try ChildProcess.reap(pid, block: block) } catch { status = .exited(-1) }
            }
            return status
        }
    }

    var state: String {
        if let status = poll() { return status.description }
        return ProcFS.stat(pid: pid)?.stateName ?? "running"
    }

    var summary: String { "pid \(pid): \(workload)" }

    func details() -> Record {
        let stat = ProcFS.stat(pid: pid)
        let ticks = Double(ProcFS.ticksPerSecond)
        var record = Record([("pid", .int(Int(pid))), ("workload", .string(workload.description))])
        if let stat, poll() == nil {
            record.append("cpu_ms", .quantity(Double(stat.userTicks + stat.systemTicks) * 1000 / ticks, .milliseconds))
            record.append("rss_bytes", .bytes(stat.rssPages * Int64(System.pageSize)))
        }
        record.append("age_ms", .ms(Clock.monotonicNanoseconds() - startedAt))
        return record
    }

    /// Kills (SIGKILL) and reaps; a process that already ended is only reaped.
    func close() throws {
        if poll() != nil { return }
        try? ChildProcess.signal(pid, Signals.kill)
        _ = poll(block: true)
    }
}

/// `proc`: start, list, signal and wait for worker processes.
struct ProcCommand: Command {
    let spec = CommandSpec("proc", aliases: ["p"], summary: "child processes: conclab itself in worker mode",
                           discussion: "Workers are started with posix_spawn, die with the shell (PR_SET_PDEATHSIG), and are reaped by it.")
    let verbs: [any Command] = [ProcSpawn(), ProcList(), ProcKill(), ProcWait()]
    let defaultVerb: String? = "list"
}

struct ProcSpawn: Command {
    let spec = CommandSpec("spawn", summary: "start a worker process running a workload",
                           arguments: [ArgumentSpec("WORKLOAD", .choice(Workload.names), help: "sleep MS (blocking) or spin MS (CPU)"),
                                       ArgumentSpec("MS", .integer, help: "how long, in milliseconds")],
                           flags: [FlagSpec("name", value: .word, valueName: "NAME", help: "handle to use instead of p1, p2 …")],
                           examples: ["proc spawn sleep 5000", "proc spawn spin 2000 --name busy"])

    func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let workload = try Workload(words: [try arguments.require("WORKLOAD"), try arguments.require("MS")])
        let objects = context.session.objects
        try objects.checkCapacity(for: "process")
        try objects.checkName(arguments.string("name"))
        guard let executable = System.executablePath() else { throw CommandError("cannot find conclab's own executable in /proc/self/exe") }
        let pid = try ChildProcess.spawn(path: executable, arguments: ["conclab", WorkerMode.flag] + workload.words,
                                         environment: [WorkerMode.parentVariable: String(System.processID)])
        let process = WorkerProcess(pid: pid, workload: workload)
        let handle: String
        do { handle = try objects.add(process, name: arguments.string("name")) } catch {
            try? process.close()
            throw error
        }
        return .record(Record(title: "started \(handle)", [("handle", .string(handle)), ("pid", .int(Int(pid))),
                                                             ("workload", .string(workload.description))]))
    }
}

struct ProcList: Command {
    let spec = CommandSpec("list", aliases: ["ls"], summary: "list worker processes: pid, state, CPU time, RSS",
                           examples: ["proc list", "proc list | where state == \"sleeping\""])

    func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let ticks = Double(ProcFS.ticksPerSecond)
        let rows = context.session.objects.all(kind: "process").compactMap { entry -> [Value]? in
            guard let p = entry.object as? WorkerProcess else { return nil }
            let stat = p.poll() == nil ? ProcFS.stat(pid: p.pid) : nil
            return [.string(entry.handle), .int(Int(p.pid)), .string(p.state),
                    stat.map { .quantity(Double($0.userTicks + $0.systemTicks) * 1000 / ticks, .milliseconds) } ?? .null,
                    stat.map { .bytes($0.rssPages * Int64(System.pageSize)) } ?? .null,
                    .string(p.workload.description)]
        }
        return .table(Table(columns: ["handle", "pid", "state", "cpu_ms", "rss_bytes", "workload"], rows: rows))
    }
}

struct ProcKill: Command {
    let spec = CommandSpec("kill", summary: "send a signal to a worker (TERM by default; STOP and CONT too)",
                           arguments: [ArgumentSpec("P", .handle("process"), help: "a process handle"),
                                       ArgumentSpec("SIGNAL", .choice(["TERM", "KILL", "INT", "STOP", "CONT", "HUP", "USR1"]), optional: true)],
                           examples: ["proc kill p1", "proc kill p1 STOP"])

    func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let handle = try arguments.require("P")
        guard let p = try context.session.objects.lookup(handle, kind: "process") as? WorkerProcess else {
            throw CommandError("\(handle) is not a worker process")
        }
        let name = arguments.string("SIGNAL") ?? "TERM"
        guard let signal = Signals.number(named: name) else { throw UsageError("unknown signal \(name)", usage: arguments.usage) }
        if let status = p.poll() { throw CommandError("\(handle) has already ended (\(status)); nothing to signal") }
        try ChildProcess.signal(p.pid, signal)
        return .record(Record([("handle", .string(handle)), ("pid", .int(Int(p.pid))), ("signal", .string("SIG" + Signals.name(of: signal)))]))
    }
}

struct ProcWait: Command {
    let spec = CommandSpec("wait", summary: "wait for a worker to end and report its exit status or signal",
                           arguments: [ArgumentSpec("P", .handle("process"), help: "a process handle")],
                           flags: [FlagSpec("timeout", value: .integer, valueName: "MS", help: "give up after MS milliseconds")],
                           examples: ["proc wait p1 --timeout 2000"])

    func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let handle = try arguments.require("P")
        guard let p = try context.session.objects.lookup(handle, kind: "process") as? WorkerProcess else {
            throw CommandError("\(handle) is not a worker process")
        }
        let timeout = try arguments.integer("timeout")
        let start = Clock.monotonicNanoseconds()
        while p.poll() == nil {
            if let timeout, Clock.monotonicNanoseconds() - start >= Int64(timeout) * 1_000_000 {
                throw CommandError("\(handle) (pid \(p.pid)) still running after \(timeout) ms")
            }
            try context.sleep(milliseconds: 2)
        }
        let status = p.poll() ?? .exited(-1)
        context.session.objects.remove(handle)
        var record = Record(title: "\(handle) ended", [("handle", .string(handle)), ("pid", .int(Int(p.pid))), ("status", .string(status.description))])
        switch status {
        case .exited(let code): record.append("exit_code", .int(Int(code))); record.append("signal", .null)
        case .signaled(let s): record.append("exit_code", .null); record.append("signal", .string("SIG" + Signals.name(of: s)))
        }
        record.append("waited_ms", .ms(Clock.monotonicNanoseconds() - start))
        return .record(record)
    }
}
