import LabOS
import LabCore
import PyLab

/// `proc`: child processes. A worker is conclab itself started in worker mode, with its own pid and its own memory;
/// it can be signalled, stopped and killed, and the shell reports how it ended. Workers talk to the shell over a
/// socket with a small framed protocol (hello, done with results), die with the shell, and are reaped by it.
package struct ProcCommand: Command {
    package init() {}
    package let spec = CommandSpec("proc", aliases: ["p"], summary: "child processes: conclab itself in worker mode",
                           discussion: """
                               Workers are started with posix_spawn ('--start spawn') or forked by the fork server \
                               ('--start forkserver'), die with the shell (PR_SET_PDEATHSIG), and are reaped by it. \
                               An ended worker stays a zombie until 'proc wait' (or 'close') reaps it.
                               """)
    package let verbs: [any Command] = [ProcSpawn(), ProcList(), ProcKill(), ProcWait(), ProcTree(), ProcForkDemo(), ProcForkCow(), ProcForkFD(), ProcForkLock(), ProcBench()]
    package let defaultVerb: String? = "list"
    package let objectKinds = [ObjectKindInfo(kind: .forkserver, prefix: "fs", plural: "fork servers", listCommand: "proc")]
}

/// Looking up processes by handle.
package enum ProcSupport {
    package static func worker(_ handle: String, _ context: Context) throws -> WorkerProcess {
        guard let worker = try context.session.objects.lookup(handle, kind: .process) as? WorkerProcess else {
            throw CommandError("\(handle) is not a worker process")
        }
        return worker
    }

    /// The session's workers with their handles, oldest first.
    package static func workers(_ session: Session) -> [(String, WorkerProcess)] {
        session.objects.all(kind: .process).compactMap { entry in (entry.object as? WorkerProcess).map { (entry.handle, $0) } }
    }

    /// One of the other children the shell started (`fd child`, `ipc echo CH`) by handle: processes too, signalled
    /// and waited for like workers. Nil when the handle is a worker (any other kind is an error).
    package static func peer(_ handle: String, _ context: Context) throws -> PeerProcess? {
        try context.session.objects.lookup(handle, kind: .process) as? PeerProcess
    }

    /// Forgets workers that were already reaped (to make room under the cap); returns their handles.
    @discardableResult
    package static func forgetReaped(_ session: Session) -> [String] {
        let reaped = workers(session).filter { $0.1.isReaped }.map(\.0)
        for handle in reaped { session.objects.remove(handle) }
        return reaped
    }

    package static func statusFields(_ status: TerminationStatus?) -> [(String, Value)] {
        switch status {
        case .exited(let code)?: return [("exit_code", .int(Int(code))), ("signal", .null)]
        case .signaled(let signal)?: return [("exit_code", .null), ("signal", .string("SIG" + Signals.name(of: signal)))]
        case nil: return [("exit_code", .null), ("signal", .null)]
        }
    }

    package static let signalNames = ["TERM", "KILL", "INT", "STOP", "CONT", "HUP", "USR1", "USR2", "QUIT", "ABRT", "SEGV"]
}

package struct ProcSpawn: Command {
    package let spec = CommandSpec("spawn", summary: "start a worker process running a workload",
                           arguments: Workload.optionalArgumentSpecs,
                           flags: [FlagSpec("name", value: .word, valueName: "NAME", help: "handle to use instead of p1, p2 …"),
                                   FlagSpec("start", value: .choice(StartMethod.names), valueName: "spawn|forkserver",
                                            help: "spawn: posix_spawn a fresh conclab (default); forkserver: fork it from the fork server"),
                                   FlagSpec("py", value: .text, valueName: "SNIPPET",
                                            help: "run a Python snippet in an interpreter of the worker's own (quote it; \\n for new lines)")]
                               + Workload.flagSpecs,
                           examples: ["proc spawn sleep 5000", "proc spawn spin 2000 --name busy", "proc spawn hash 64 --start forkserver",
                                      "proc spawn lockseq L1 L2 --hold 500", "proc spawn --py 'print(sum(range(10**6)))'"],
                           discussion: """
                               The same workloads as 'thread spawn'; a worker's lockseq uses the worker's own locks (one thread \
                               takes them in order, a second in reverse). With --py the worker runs the snippet in an interpreter of its own: \
                               nothing is shared with the shell's 'py' globals; 'proc wait' shows what it printed (or its exception). \
                               The result says how long the worker took to say hello.
                               """,
                           fields: [FieldSpec("handle", "the new worker (with echo --via CH: the channel)"),
                                    FieldSpec("pid", "its process id"),
                                    FieldSpec("start_method", "spawn or forkserver (not with echo)", occasional: true),
                                    FieldSpec("workload", "what it runs (not with echo)", occasional: true),
                                    FieldSpec("startup_ms", "time from the start request to its hello (not with echo)", occasional: true),
                                    FieldSpec("fork_server_pid", "the fork server that forked it (--start forkserver)", occasional: true),
                                    FieldSpec("peer", "the echo worker's handle (echo --via CH)", occasional: true),
                                    FieldSpec("peer_fds", "its descriptors for the channel (echo --via CH)", occasional: true)])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let words: [String]
        let shown: String
        var workload: Workload?
        if let snippet = arguments.string("py") {
            guard !arguments.has("WORKLOAD") else { throw UsageError("give a workload or --py SNIPPET, not both", usage: arguments.usage) }
            let job = try SnippetParallelJob(snippet: snippet)
            words = job.workerWords
            shown = job.description
        } else {
            guard arguments.has("WORKLOAD") else { throw UsageError("missing WORKLOAD (or --py SNIPPET)", usage: arguments.usage) }
            if let channel = try Workload.echoChannel(arguments) {
                guard let host = try context.session.objects.lookup(channel, kind: .channel) as? any EchoPeerHost else {
                    throw CommandError("\(channel) is not a channel")
                }
                return try host.attachEcho(handle: channel, asThread: false, name: arguments.string("name"), context)
            }
            let chosen = try Workload(arguments: arguments)
            workload = chosen
            words = chosen.words
            shown = chosen.description
        }
        let method = StartMethod(rawValue: arguments.string("start") ?? "spawn") ?? .spawn
        let objects = context.session.objects
        do { try objects.checkCapacity(for: .process) } catch {
            // Workers already waited for are only records: make room with them before refusing.
            guard !ProcSupport.forgetReaped(context.session).isEmpty else { throw error }
            try objects.checkCapacity(for: .process)
        }
        try objects.checkName(arguments.string("name"))
        let server = method == .forkserver ? try ForkServer.shared(in: context.session) : nil
        let worker = try WorkerProcess.launch(words: words, shownAs: shown, method: method, server: server,
                                              shouldStop: { context.cancellation.isCancelled })
        let handle: String
        do { handle = try objects.add(worker, name: arguments.string("name")) } catch {
            try? worker.close()
            throw error
        }
        let recorder = EventRecorder.of(context.session)
        recorder.record(handle, .spawn, "pid \(worker.pid), \(method.rawValue): \(shown)")
        if case .sleep? = workload { recorder.record(handle, .sleeping) } else { recorder.record(handle, .running) }
        ProcessWatcher.ensure(for: context.session)
        var fields: [(String, Value)] = [("handle", .string(handle)), ("pid", .int(Int(worker.pid))),
                                         ("start_method", .string(method.rawValue)), ("workload", .string(shown)),
                                         ("startup_ms", .ms(worker.startupNanoseconds))]
        if let server { fields.append(("fork_server_pid", .int(Int(server.pid)))) }
        return .record(Record(title: "started \(handle)", fields))
    }
}

package struct ProcList: Command {
    package let spec = CommandSpec("list", aliases: ["ls"], summary: "list worker processes (and the fd child and ipc echo peers): pid, state, how they ended, CPU time, RSS",
                           examples: ["proc list", "proc list | where state == \"zombie\""],
                           discussion: """
                               States come from /proc/PID/stat: running, sleeping, stopped (SIGSTOP), zombie (ended, not yet \
                               waited for: 'status' says how it ended), then 'exited N' or 'killed by SIGX' once 'proc wait' reaped it.
                               """,
                           fields: [.column("handle", "the process (p1, p2 …)"), .column("pid", "its process id"),
                                    .column("start", "how it was started: spawn or forkserver; fork for a child forked by the shell (shm hold)"),
                                    .column("state", "running, sleeping, stopped, zombie; once reaped, 'exited N' or 'killed by SIGX'"),
                                    .column("status", "how it ended ('exited 0', 'killed by SIGKILL'); null while it runs"),
                                    .column("cpu_ms", "CPU time it used, user and system"),
                                    .column("rss_bytes", "resident memory; null once it has ended"),
                                    .column("workload", "what it runs (fd child and echo peers: what they are)")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        // Workers and the other children share the handles p1, p2 …: listed together, oldest first.
        let rows = context.session.objects.all(kind: .process).compactMap { entry -> [Value]? in
            if let worker = entry.object as? WorkerProcess {
                let s = worker.snapshot()
                return [.string(entry.handle), .int(Int(worker.pid)), .string(worker.startMethod.rawValue), .string(s.state),
                        s.ended.map { .string($0.description) } ?? .null,
                        s.cpuMilliseconds.map { .quantity($0, .milliseconds) } ?? .null,
                        s.rssBytes.map(Value.bytes) ?? .null, .string(worker.task)]
            }
            guard let peer = entry.object as? PeerProcess else { return nil }
            let ended = peer.poll()
            let stat = ended == nil ? ProcFS.stat(pid: peer.pid) : nil
            return [.string(entry.handle), .int(Int(peer.pid)), .string(peer.started), .string(ended?.description ?? stat?.state.description ?? "gone"),
                    ended.map { .string($0.description) } ?? .null,
                    stat.map { .quantity(ProcFS.milliseconds(ticks: $0.userTicks + $0.systemTicks), .milliseconds) } ?? .null,
                    stat.map { .bytes($0.rssPages * Int64(System.pageSize)) } ?? .null, .string(peer.role)]
        }
        return .table(Table(columns: ["handle", "pid", "start", "state", "status", "cpu_ms", "rss_bytes", "workload"], rows: rows))
    }
}

package struct ProcKill: Command {
    package let spec = CommandSpec("kill", summary: "send a signal to a worker or another child process (TERM by default; STOP and CONT too)",
                           arguments: [ArgumentSpec("P", .handle(.process), help: "a process handle"),
                                       ArgumentSpec("SIGNAL", .choice(ProcSupport.signalNames), optional: true)],
                           examples: ["proc kill p1", "proc kill p1 STOP", "proc kill p1 SEGV"],
                           discussion: "A process, unlike a thread, can be stopped from outside at any instruction. The signal arrives asynchronously: 'proc wait' or 'proc list' shows its effect.",
                           fields: [FieldSpec("handle", "the process signalled"), FieldSpec("pid", "its process id"),
                                    FieldSpec("signal", "the signal sent (SIGTERM, SIGSTOP …)")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let handle = try arguments.require("P")
        let name = arguments.string("SIGNAL") ?? "TERM"
        guard let signal = Signals.number(named: name) else { throw UsageError("unknown signal \(name)", usage: arguments.usage) }
        let pid: Int32
        if let peer = try ProcSupport.peer(handle, context) {
            pid = peer.pid
            if let ended = peer.poll() { throw CommandError("\(handle) (pid \(pid)) has already ended (\(ended)); nothing to signal.") }
            do { try ChildProcess.signal(pid, signal) } catch { throw CommandError("cannot signal \(handle) (pid \(pid)): \(error)") }
        } else {
            let worker = try ProcSupport.worker(handle, context)
            pid = worker.pid
            if let ended = try worker.send(signal) {
                let next = worker.isReaped ? "'close \(handle)' forgets it" : "'proc wait \(handle)' reaps it"
                throw CommandError("\(handle) (pid \(pid)) has already ended (\(ended)); nothing to signal. \(next).")
            }
        }
        EventRecorder.of(context.session).record(handle, .signal, "SIG" + Signals.name(of: signal))
        return .record(Record([("handle", .string(handle)), ("pid", .int(Int(pid))), ("signal", .string("SIG" + Signals.name(of: signal)))]))
    }
}

package struct ProcWait: Command {
    package let spec = CommandSpec("wait", summary: "wait for a worker to end, reap it, and report its exit status or signal",
                           arguments: [ArgumentSpec("P", .handle(.process), help: "a process handle")],
                           flags: [FlagSpec("timeout", value: .integer, valueName: "MS", help: "give up after MS milliseconds")],
                           examples: ["proc wait p1", "proc wait p1 --timeout 2000"],
                           discussion: "Reaping removes the zombie: the handle stays, in state 'exited N' or 'killed by SIGX', until 'close'.",
                           fields: [FieldSpec("handle", "the process waited for"), FieldSpec("pid", "its process id"),
                                    FieldSpec("status", "how it ended: 'exited N' or 'killed by SIGX'"),
                                    FieldSpec("exit_code", "its exit code; null when a signal ended it"),
                                    FieldSpec("signal", "the signal that ended it (SIGKILL …); null when it exited"),
                                    FieldSpec("role", "what the child was: fd child, echo peer of CH (not for workers)", occasional: true),
                                    FieldSpec("cpu_ms", "CPU time it used (workers)", occasional: true),
                                    FieldSpec("max_rss_bytes", "the most memory it had resident (workers)", occasional: true),
                                    FieldSpec("outcome", "completed, stopped or failed, as it reported; null if it did not (workers)", occasional: true),
                                    FieldSpec("result", "what its workload gave: a hash, a snippet's output or exception; null if nothing (workers)", occasional: true),
                                    FieldSpec("waited_ms", "time the wait took")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let handle = try arguments.require("P")
        let timeout = try arguments.integer("timeout")
        if let timeout, timeout < 0 { throw UsageError("--timeout must be 0 or more milliseconds", usage: arguments.usage) }
        let start = Clock.monotonicNanoseconds()
        /// Sleeps until the process has ended (its pidfd turns readable), Ctrl-C or --timeout; no polling, so the
        /// shell itself does not run while it waits. Without pidfd, looks every 2 ms.
        func waitFor(pid: Int32, state: () -> String, ended: () -> TerminationStatus?) throws -> (TerminationStatus, Record) {
            var status = ended()
            let deadline = timeout.map { start + Time.nanoseconds(milliseconds: $0) }
            let bell = try? System.pipe()
            defer { if let bell { try? FileDescriptor(bell.read).close(); try? FileDescriptor(bell.write).close() } }
            while status == nil {
                if let deadline, Clock.monotonicNanoseconds() >= deadline {
                    throw CommandError("\(handle) (pid \(pid)) is still \(state()) after \(timeout ?? 0) ms")
                }
                try context.checkCancelled()
                var waited = false
                if let bell {
                    waited = try context.cancellation.wakingOnCancel({ _ = try? FileDescriptor(bell.write).writeAll("x") }) {
                        if context.cancellation.isCancelled { return true }
                        return try ChildProcess.waitUntilEnded(pid, wake: bell.read, deadline: deadline) || context.cancellation.isCancelled
                            || deadline.map { Clock.monotonicNanoseconds() >= $0 } == true
                    }
                }
                if !waited { try context.sleep(milliseconds: 2) }
                status = ended()
            }
            let end = status ?? .exited(-1)
            var record = Record(title: "\(handle) ended: \(end)", [("handle", .string(handle)), ("pid", .int(Int(pid))),
                                                                   ("status", .string(end.description))])
            record.fields += ProcSupport.statusFields(end)
            return (end, record)
        }
        if let peer = try ProcSupport.peer(handle, context) {
            var (_, record) = try waitFor(pid: peer.pid, state: { peer.state }, ended: { peer.poll() })
            record.append("role", .string(peer.role))
            record.append("waited_ms", .ms(Clock.monotonicNanoseconds() - start))
            return .record(record)
        }
        let worker = try ProcSupport.worker(handle, context)
        var (_, record) = try waitFor(pid: worker.pid, state: { worker.state }, ended: { worker.reapIfEnded() })
        let s = worker.snapshot()
        record.append("cpu_ms", s.cpuMilliseconds.map { .quantity($0, .milliseconds) } ?? .null)
        record.append("max_rss_bytes", (s.usage?.maxRSSBytes ?? s.done?.maxRSSBytes).map(Value.bytes) ?? .null)
        record.append("outcome", s.done.map { .string($0.outcome) } ?? .null)
        record.append("result", s.done?.result.map(Value.string) ?? .null)
        record.append("waited_ms", .ms(Clock.monotonicNanoseconds() - start))
        return .record(record)
    }
}

package struct ProcTree: Command {
    package let spec = CommandSpec("tree", summary: "the shell and every process below it, as /proc shows them",
                           examples: ["proc tree"],
                           discussion: "Workers the fork server forked are its children, the shell's grandchildren.",
                           fields: [.column("process", "its command name, drawn as a branch of the tree"), .column("pid", "its process id"),
                                    .column("ppid", "its parent's process id"),
                                    .column("handle", "its handle; 'shell' for conclab itself; null for others"),
                                    .column("state", "from /proc/PID/stat: running, sleeping, stopped, zombie …"),
                                    .column("rss_bytes", "resident memory; null for a zombie"),
                                    FieldSpec("descendants", "processes below the shell")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let me = System.processID
        var handles: [Int32: String] = [:]
        for entry in context.session.objects.all() {
            if let worker = entry.object as? WorkerProcess { handles[worker.pid] = entry.handle }
            if let peer = entry.object as? PeerProcess { handles[peer.pid] = entry.handle }
            if let server = entry.object as? ForkServer { handles[server.pid] = entry.handle }
        }
        let all = ProcFS.allProcesses()
        var children: [Int32: [ProcFS.Stat]] = [:]
        for stat in all { children[stat.parentPID, default: []].append(stat) }
        var rows: [[Value]] = []
        func visit(_ stat: ProcFS.Stat, prefix: String, branch: String) {
            let memory = stat.state == .zombie ? nil : stat.rssPages * Int64(System.pageSize)
            rows.append([.string(branch + stat.command), .int(Int(stat.pid)), .int(Int(stat.parentPID)),
                         handles[stat.pid].map(Value.string) ?? (stat.pid == me ? .string("shell") : .null),
                         .string(stat.state.description), memory.map(Value.bytes) ?? .null])
            let kids = (children[stat.pid] ?? []).sorted { $0.pid < $1.pid }
            for (index, kid) in kids.enumerated() {
                let last = index == kids.count - 1
                visit(kid, prefix: prefix + (last ? "   " : "│  "), branch: prefix + (last ? "└─ " : "├─ "))
            }
        }
        if let shell = all.first(where: { $0.pid == me }) ?? ProcFS.stat(pid: me) { visit(shell, prefix: "", branch: "") }
        return .table(Table(title: "processes under conclab (pid \(me))", columns: ["process", "pid", "ppid", "handle", "state", "rss_bytes"],
                            rows: rows, summary: Record([("descendants", .int(max(0, rows.count - 1)))])))
    }
}

package struct ProcForkDemo: Command {
    package let spec = CommandSpec("fork-demo", summary: "fork the shell: the child writes to memory, the parent does not see it",
                           flags: [FlagSpec("touch", value: .integer, valueName: "MB", help: "first make the shell MB MiB bigger (fork copies page tables)")],
                           examples: ["proc fork-demo", "proc fork-demo --touch 256"],
                           discussion: """
                               fork() gives the child a copy of the parent's memory, shared copy-on-write: the same addresses, \
                               and a page is copied the moment one side writes to it. The child here does only what is safe after a \
                               fork in a threaded program: it writes a page, reports over a pipe, and calls _exit.
                               """,
                           fields: [FieldSpec("parent_pid", "the shell's process id"), FieldSpec("child_pid", "the forked child's"),
                                    FieldSpec("address", "the address both read and the child wrote, in hex"),
                                    FieldSpec("parent_before", "what the parent wrote there before the fork"),
                                    FieldSpec("child_saw", "what the child read there first: the parent's bytes"),
                                    FieldSpec("child_wrote", "what the child read there after its own write"),
                                    FieldSpec("parent_after", "what the parent reads there after the child wrote"),
                                    FieldSpec("child_change_visible", "whether the parent sees the child's write"),
                                    FieldSpec("child_status", "how the child ended ('exited 0')"),
                                    FieldSpec("fork_ms", "time fork() took in the parent"),
                                    FieldSpec("touched_bytes", "memory the shell grew by first (--touch)")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let touch = try arguments.integer("touch", default: 0, range: 0...4096)
        let report = try ForkDemo.run(parentText: "written by the parent", childText: "written by the child", touchMegabytes: touch)
        let address = "0x" + String(report.address, radix: 16)
        let seen = report.parentAfter == report.childSawAfter ? "the parent sees the child's bytes" : "the parent still reads its own bytes"
        return .record(Record(title: "fork: the child (pid \(report.childPID)) wrote at \(address); \(seen)", [
            ("parent_pid", .int(Int(report.parentPID))),
            ("child_pid", .int(Int(report.childPID))),
            ("address", .string(address)),
            ("parent_before", .string(report.parentBefore)),
            ("child_saw", .string(report.childSawBefore)),
            ("child_wrote", .string(report.childSawAfter)),
            ("parent_after", .string(report.parentAfter)),
            ("child_change_visible", .bool(report.parentAfter == report.childSawAfter)),
            ("child_status", .string(report.childStatus.description)),
            ("fork_ms", .ms(report.forkNanoseconds)),
            ("touched_bytes", .bytes(report.touchedBytes)),
        ]))
    }
}

package struct ProcForkLock: Command {
    package let spec = CommandSpec("fork-lock", summary: "fork while another thread holds a lock: the child waits for its copy for ever",
                           flags: [FlagSpec("wait", value: .integer, valueName: "MS", help: "how long to watch the child before killing it (default 500, 50 to 10000)")],
                           examples: ["proc fork-lock", "proc fork-lock --wait 200"],
                           discussion: """
                               A thread of the shell takes a lock and keeps it; another thread forks. fork() copies the whole \
                               memory, the lock's state included, but only the thread that called it: in the child the lock is \
                               held by a thread that is not there, and the child's first try to take it waits for ever (it sleeps \
                               in the futex system call). Halfway through --wait ms the shell's thread lets go and the shell takes \
                               the lock itself; the child's copy stays held. At the end the shell reads the child's state, system \
                               call and wait channel from /proc and kills it. In Python the same happens to any lock another \
                               thread holds at os.fork() (logging's, the import lock, an allocator's): Python 3.12 warns \
                               (DeprecationWarning) when a process with more than one thread forks, and Python 3.14 makes \
                               forkserver, not fork, the default start method of multiprocessing on Linux. 'proc spawn --start \
                               spawn' and '--start forkserver' inherit no held lock: spawn runs a new program, and the fork \
                               server is a process with one thread.
                               """,
                           fields: [FieldSpec("parent_pid", "the shell's process id"),
                                    FieldSpec("holder_tid", "the shell's thread that held the lock across the fork"),
                                    FieldSpec("child_pid", "the forked child's process id"),
                                    FieldSpec("released_ms", "when the holder let go, from the fork"),
                                    FieldSpec("parent_took_lock", "whether the shell then took the lock itself"),
                                    FieldSpec("child_got_lock", "whether the child took its copy of the lock and ended by itself"),
                                    FieldSpec("child_state", "the child's state at the end of the wait ('sleeping'); null if it had ended"),
                                    FieldSpec("child_syscall", "the system call it was blocked in ('futex'); null if none"),
                                    FieldSpec("child_wchan", "where in the kernel it waited (/proc/PID/wchan); null where /proc does not say"),
                                    FieldSpec("waited_ms", "how long the shell watched the child"),
                                    FieldSpec("child_status", "how the child ended ('killed by SIGKILL')")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let wait = try arguments.integer("wait", default: 500, range: 50...10_000)
        let report = try ForkWhileLocked.run(waitMilliseconds: wait, stop: { context.cancellation.isCancelled })
        try context.checkCancelled()
        func ms(_ ns: Int64) -> String { Format.duration(nanoseconds: Double(ns)) }
        let title: String
        if report.childGotLock {
            title = "fork while thread \(report.holderTID) held a lock: the child (pid \(report.childPID)) took it anyway"
        } else {
            let doing = [report.childState?.description, report.systemCall.map { "in \($0)" }].compactMap { $0 }.joined(separator: ", ")
            title = "fork while thread \(report.holderTID) held a lock: it let go after \(ms(report.releasedNanoseconds))"
                + (report.parentTookLock ? " and the shell took the lock" : "")
                + "; after \(ms(report.waitedNanoseconds)) the child (pid \(report.childPID)) still waited for its copy"
                + (doing.isEmpty ? "" : " (\(doing))") + "; \(report.childStatus)"
        }
        return .record(Record(title: title, [
            ("parent_pid", .int(Int(report.parentPID))),
            ("holder_tid", .int(Int(report.holderTID))),
            ("child_pid", .int(Int(report.childPID))),
            ("released_ms", .ms(report.releasedNanoseconds)),
            ("parent_took_lock", .bool(report.parentTookLock)),
            ("child_got_lock", .bool(report.childGotLock)),
            ("child_state", report.childState.map { .string($0.description) } ?? .null),
            ("child_syscall", report.systemCall.map(Value.string) ?? .null),
            ("child_wchan", report.waitChannel.map(Value.string) ?? .null),
            ("waited_ms", .ms(report.waitedNanoseconds)),
            ("child_status", .string(report.childStatus.description)),
        ]))
    }
}

package struct ProcForkCow: Command {
    package let spec = CommandSpec("fork-cow", summary: "fork a bigger shell: fork takes longer, and the child's own pages grow as it writes",
                           flags: [FlagSpec("mb", value: .integer, valueName: "MB", help: "the buffer the shell touches first, in MiB (default 256, 16 to 1024: the child copies as much again)"),
                                   FlagSpec("steps", value: .integer, valueName: "N", help: "write the buffer in N parts, one row each (default 4, 1 to 16)")],
                           examples: ["proc fork-cow", "proc fork-cow --mb 64 --steps 2"],
                           discussion: """
                               First the shell forks a child that exits at once, three times, and keeps the fastest fork \
                               (base_fork_ms). Then it maps a buffer of --mb MiB in pages of \(System.pageSize / 1024) KiB (no transparent huge pages), \
                               writes a byte into every page, and times fork again (fork_ms): fork copies no page, but it copies \
                               the page tables, one entry per page, and marks each page the two may write read-only in both. Then a \
                               forked child writes one byte into every page of the buffer, a part at a time, and after each part \
                               the shell reads the child's Private_Dirty and Shared_Dirty from /proc/PID/smaps_rollup: a page \
                               the child writes is copied for it (copy-on-write) and counts as its own; the rest is still shared \
                               with the shell. The child is written in C and does only what is safe after a fork in a threaded \
                               program.
                               """,
                           fields: [.column("written_bytes", "how much of the buffer the child has written so far"),
                                    .column("child_private_dirty_bytes", "the child's Private_Dirty: written pages only it has"),
                                    .column("child_shared_dirty_bytes", "the child's Shared_Dirty: written pages still shared with the shell"),
                                    .column("write_ms", "how long that part's writes took the child (each a page fault and a page copy)"),
                                    FieldSpec("buffer_bytes", "the buffer the shell touched (--mb)"),
                                    FieldSpec("base_fork_ms", "the fastest of three forks before the buffer was touched"),
                                    FieldSpec("fork_ms", "the fastest of three forks with the buffer touched"),
                                    FieldSpec("copied_bytes", "how much the child's Private_Dirty grew as it wrote the whole buffer"),
                                    FieldSpec("copy_per_page_us", "the child's write time per page written (a fault and a copy each)"),
                                    FieldSpec("child_pid", "the writing child's process id"),
                                    FieldSpec("child_status", "how it ended ('exited 0')")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let megabytes = try arguments.integer("mb", default: 256, range: 16...1024)
        let steps = try arguments.integer("steps", default: 4, range: 1...16)
        let report = try ForkCopyOnWrite.run(megabytes: megabytes, steps: steps, stop: { context.cancellation.isCancelled })
        try context.checkCancelled()
        let rows: [[Value]] = report.steps.map {
            [.bytes($0.writtenBytes), .bytes($0.privateDirtyBytes), .bytes($0.sharedDirtyBytes), .ms($0.writeNanoseconds)]
        }
        let first = report.steps.first, last = report.steps.last
        let copied = (last?.privateDirtyBytes ?? 0) - (first?.privateDirtyBytes ?? 0)
        let pages = Double(report.bufferBytes) / Double(System.pageSize)
        let writeTime = report.steps.reduce(Int64(0)) { $0 + $1.writeNanoseconds }
        func ms(_ ns: Int64) -> String { Format.duration(nanoseconds: Double(ns)) }
        let title = "fork with \(Format.bytes(Double(report.bufferBytes))) touched took \(ms(report.grownForkNanoseconds)) "
            + "(\(ms(report.baseForkNanoseconds)) without); the child's own pages grew by \(Format.bytes(Double(copied))) as it wrote"
        return .table(Table(title: title,
                            columns: ["written_bytes", "child_private_dirty_bytes", "child_shared_dirty_bytes", "write_ms"], rows: rows,
                            summary: Record([
                                ("buffer_bytes", .bytes(report.bufferBytes)),
                                ("base_fork_ms", .ms(report.baseForkNanoseconds)),
                                ("fork_ms", .ms(report.grownForkNanoseconds)),
                                ("copied_bytes", .bytes(copied)),
                                ("copy_per_page_us", .quantity(Double(writeTime) / 1000 / pages, .microseconds)),
                                ("child_pid", .int(Int(report.childPID))),
                                ("child_status", .string(report.childStatus.description)),
                            ])))
    }
}

package struct ProcForkFD: Command {
    package static let parentFirst = "parent: before the fork\n"
    static let childText = "child: through its copy\n"
    static let parentText = "parent: after the child\n"

    package let spec = CommandSpec("fork-fd", summary: "fork: the child's copy of a descriptor shares the shell's open file and its offset",
                           examples: ["proc fork-fd"],
                           discussion: """
                               The shell opens a temporary file and writes a line; then it forks. The child's descriptor table is \
                               a copy of the shell's: the same numbers, each pointing at the same open file in the kernel, and the \
                               offset belongs to the open file. The child writes a line through its copy of the number, closes it \
                               and exits. The shell's offset has moved past the child's line, so the shell's next line goes after \
                               it, not over it; and the shell's number is still open, since the child closed only its own copy of \
                               the table's entry. (Two separate opens of one file have two offsets: see 'fd open' in the file \
                               descriptors lab.)
                               """,
                           fields: [FieldSpec("fd", "the descriptor number, the same in both processes"),
                                    FieldSpec("child_pid", "the forked child's process id"),
                                    FieldSpec("offset_at_fork", "the shell's offset when it forked"),
                                    FieldSpec("child_wrote_bytes", "what the child wrote through its copy"),
                                    FieldSpec("offset_after_child", "the shell's offset once the child had ended, without the shell writing"),
                                    FieldSpec("parent_fd_open", "whether the shell's descriptor is still open after the child closed its copy"),
                                    FieldSpec("lines", "the file's lines at the end, in order"),
                                    FieldSpec("child_status", "how the child ended ('exited 0')")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let report = try ForkSharedFile.run(parentFirst: Self.parentFirst, childText: Self.childText, parentText: Self.parentText)
        let wrote = Int64(report.childText.utf8.count)
        let moved = report.offsetAfterChild == report.offsetAtFork + wrote
        let title = "fork: the child (pid \(report.childPID)) wrote \(wrote) bytes through its fd \(report.fd) and closed it; "
            + "the shell's offset went from \(report.offsetAtFork) to \(report.offsetAfterChild)"
            + (moved ? " without the shell writing" : "") + (report.parentFDOpen ? ", and its fd \(report.fd) is still open" : ", and its fd is closed")
        return .record(Record(title: title, [
            ("fd", .int(Int(report.fd))),
            ("child_pid", .int(Int(report.childPID))),
            ("offset_at_fork", .int(Int(report.offsetAtFork))),
            ("child_wrote_bytes", .int(Int(wrote))),
            ("offset_after_child", .int(Int(report.offsetAfterChild))),
            ("parent_fd_open", .bool(report.parentFDOpen)),
            ("lines", .list(report.content.split(separator: "\n").map { .string(String($0)) })),
            ("child_status", .string(report.childStatus.description)),
        ]))
    }
}
