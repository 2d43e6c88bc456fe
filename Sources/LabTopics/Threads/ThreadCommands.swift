import LabOS
import LabCore
import PyLab

/// `thread`: start native threads running a workload, list them, join them, ask them to stop.
package struct ThreadCommand: Command {
    package init() {}
    package let spec = CommandSpec("thread", aliases: ["th"], summary: "native OS threads running a workload: spawn, list, join, cancel",
                           discussion: """
                               Each thread is a real pthread named conclab-HANDLE (see it with 'ps -L' or 'top -H'). \
                               Workloads: spin MS and hash MB use the CPU; sleep MS blocks; lockseq L1 L2 … takes lab locks \
                               in order (see 'lock'). Threads cannot be killed: 'thread cancel' asks the workload to stop.
                               """)
    package let verbs: [any Command] = [ThreadSpawn(), ThreadList(), ThreadJoin(), ThreadCancel()]
    package let defaultVerb: String? = "list"
}

package enum ThreadSupport {
    package static func thread(_ handle: String, _ context: Context) throws -> LabThread {
        guard let thread = try context.session.objects.lookup(handle, kind: .thread) as? LabThread else {
            throw CommandError("\(handle) is not a thread")
        }
        return thread
    }

    package static func cpu(_ thread: LabThread) -> Value {
        thread.cpuMilliseconds.map { .quantity($0, .milliseconds) } ?? .null
    }

    /// Waits for `thread` to end, blocked until it ends, the timeout passes or Ctrl-C comes (which throws); false on
    /// timeout.
    package static func wait(for thread: LabThread, timeoutMilliseconds: Int?, _ context: Context) throws -> Bool {
        let timeout = timeoutMilliseconds.map { Time.nanoseconds(milliseconds: max(0, $0)) }
        if thread.waitUntilFinished(timeoutNanoseconds: timeout, or: context.cancellation) { return true }
        try context.checkCancelled()
        return thread.isFinished
    }
}

package struct ThreadSpawn: Command {
    package let spec = CommandSpec("spawn", summary: "start an OS thread running a workload",
                           arguments: Workload.optionalArgumentSpecs,
                           flags: [FlagSpec("name", value: .word, valueName: "NAME", help: "handle to use instead of t1, t2 …"),
                                   FlagSpec("py", value: .text, valueName: "SNIPPET",
                                            help: "run a Python snippet instead, sharing the globals of 'py' (quote it; \\n for new lines)")]
                               + Workload.flagSpecs,
                           examples: ["thread spawn spin 2000", "thread spawn hash 64", "thread spawn sleep 5000 --name nap",
                                      "thread spawn lockseq L1 L2 --hold 300", "thread spawn lockseq L2 L1 --meet", "thread spawn --py 'for i in range(100000): x += 1'"],
                           discussion: "lockseq takes lab locks made with 'lock new'; the same words work for 'proc spawn'.",
                           fields: [FieldSpec("handle", "the new thread (with echo: the channel it answers on)"),
                                    FieldSpec("tid", "its kernel thread id (null if it had not started yet)"),
                                    FieldSpec("os_name", "its OS thread name, as 'ps -L' shows it (a workload thread)", occasional: true),
                                    FieldSpec("workload", "what it runs: the workload, or 'py' and the snippet (not with echo)", occasional: true),
                                    FieldSpec("state", "the snippet thread's state: starting, running, done … (a --py thread)", occasional: true),
                                    FieldSpec("elapsed_ms", "time since it started (a --py thread)", occasional: true),
                                    FieldSpec("cpu_ms", "CPU time it used, null while it runs (a --py thread)", occasional: true),
                                    FieldSpec("output", "what the snippet printed, null while it runs (a --py thread)", occasional: true),
                                    FieldSpec("error", "the exception that ended it, null if none (a --py thread)", occasional: true),
                                    FieldSpec("peer", "'thread': an echo thread holds the channel's far end (echo --via CH)", occasional: true),
                                    FieldSpec("peer_fds", "the descriptors the echo thread reads and writes (echo --via CH)", occasional: true)])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        if let snippet = arguments.string("py") {
            guard !arguments.has("WORKLOAD") else { throw UsageError("give a workload or --py SNIPPET, not both", usage: arguments.usage) }
            return try spawnSnippet(snippet, arguments, context)
        }
        guard arguments.has("WORKLOAD") else { throw UsageError("missing WORKLOAD (or --py SNIPPET)", usage: arguments.usage) }
        if let channel = try Workload.echoChannel(arguments) {
            guard let host = try context.session.objects.lookup(channel, kind: .channel) as? any EchoPeerHost else {
                throw CommandError("\(channel) is not a channel")
            }
            return try host.attachEcho(handle: channel, asThread: true, name: arguments.string("name"), context)
        }
        let workload = try Workload(arguments: arguments)
        let objects = context.session.objects
        try objects.checkCapacity(for: .thread)
        try objects.checkName(arguments.string("name"))
        var table: LockTable?
        var ids: [String: Int] = [:]
        if case .lockseq(let names, _, _) = workload {
            for name in names where ids[name] == nil {
                let object: any LabObject
                do { object = try objects.lookup(name, kind: .lock) } catch {
                    throw CommandError("\(error) Make one with 'lock new \(name)'.")
                }
                guard let lock = object as? LabLock else { throw CommandError("\(name) is not a lab lock") }
                ids[name] = lock.id
                table = lock.table
            }
        }
        let thread = LabThread(workload: workload, locks: table, lockIDs: ids, recorder: EventRecorder.of(context.session))
        let handle = try objects.add(thread, name: arguments.string("name"))
        do { try thread.start(handle: handle) } catch {
            objects.remove(handle)
            throw error
        }
        _ = thread.waitUntilStarted(timeoutNanoseconds: 1_000_000_000)
        let tid = thread.current.tid
        return .record(Record(title: "started \(handle) (\(LabThread.osName(handle)))", [
            ("handle", .string(handle)),
            ("tid", tid == 0 ? .null : .int(Int(tid))),
            ("os_name", .string(LabThread.osName(handle))),
            ("workload", .string(workload.description)),
        ]))
    }

    /// `thread spawn --py SNIPPET`: a snippet on a new OS thread of the shell's interpreter, under its GIL.
    private func spawnSnippet(_ snippet: String, _ arguments: Arguments, _ context: Context) throws -> LabResult {
        let objects = context.session.objects
        try objects.checkCapacity(for: .thread)
        let name = arguments.string("name")
        try objects.checkName(name)
        let thread = try PyRuntime.shared(for: context.session).makeThread(snippet: snippet)
        let handle = try objects.add(thread, name: name)
        do { try thread.start(handle: handle) } catch {
            objects.remove(handle)
            throw error
        }
        var record = Record(title: "started \(handle)", [("handle", .string(handle))])
        record.fields += thread.details().fields
        return .record(record)
    }
}

package struct ThreadList: Command {
    package let spec = CommandSpec("list", aliases: ["ls"], summary: "list threads: OS thread id, state, CPU time, locks held",
                           flags: [FlagSpec("all", help: "every OS thread of conclab, not only the ones you started")],
                           examples: ["thread list", "thread list --all", "thread list | where state == \"running\""],
                           discussion: "States: starting, running, sleeping, waiting on LOCK, done, cancelled, failed. CPU time comes from /proc/self/task/TID/stat (10 ms ticks).",
                           fields: [.column("handle", "the thread's handle (with --all: null for a thread you did not start)"),
                                    .column("tid", "its kernel thread id (null while it starts)"),
                                    .column("state", "running, sleeping, waiting on LOCK, done … (with --all: the kernel's state)"),
                                    .column("cpu_ms", "CPU time it used so far"),
                                    FieldSpec("holds", "lab locks it holds (not with --all)", column: true, occasional: true),
                                    FieldSpec("workload", "what it runs (not with --all)", column: true, occasional: true),
                                    FieldSpec("name", "the OS thread name (--all)", column: true, occasional: true)])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let threads = context.session.objects.all(kind: .thread).compactMap { entry -> (String, LabThread)? in
            (entry.object as? LabThread).map { (entry.handle, $0) }
        }
        if arguments.flag("all") { return .table(allThreads(threads)) }
        var rows = threads.map { handle, thread -> [Value] in
            let tid = thread.current.tid
            return [.string(handle), tid == 0 ? .null : .int(Int(tid)), .string(thread.state), ThreadSupport.cpu(thread),
                    .list(thread.heldLocks.map(Value.string)), .string(thread.workload.description)]
        }
        for entry in context.session.objects.all(kind: .thread) {
            guard let snippet = entry.object as? PySnippetThread else { continue }
            let d = snippet.details()
            rows.append([.string(entry.handle), d["tid"] ?? .null, .string(snippet.state), d["cpu_ms"] ?? .null, .list([]),
                         d["workload"] ?? .null])
        }
        return .table(Table(columns: ["handle", "tid", "state", "cpu_ms", "holds", "workload"], rows: rows))
    }

    /// Every task in /proc/self/task, with the handle of the lab threads among them.
    private func allThreads(_ threads: [(String, LabThread)]) -> Table {
        var handles: [Int32: String] = [:]
        for (handle, thread) in threads where thread.current.tid != 0 { handles[thread.current.tid] = handle }
        let rows = ProcFS.threadIDs().compactMap { tid -> [Value]? in
            guard let stat = ProcFS.threadStat(tid: tid) else { return nil }
            return [.int(Int(tid)), .string(stat.command), .string(stat.state.description),
                    .quantity(ProcFS.milliseconds(ticks: stat.userTicks + stat.systemTicks), .milliseconds),
                    handles[tid].map(Value.string) ?? .null]
        }
        return Table(title: "threads of conclab (pid \(System.processID))", columns: ["tid", "name", "state", "cpu_ms", "handle"], rows: rows)
    }
}

package struct ThreadJoin: Command {
    package let spec = CommandSpec("join", summary: "wait for a thread to end and report how it ended (Ctrl-C stops waiting)",
                           arguments: [ArgumentSpec("T", .handle(.thread), help: "a thread handle")],
                           flags: [FlagSpec("timeout", value: .integer, valueName: "MS", help: "give up after MS milliseconds")],
                           examples: ["thread join t1", "thread join t2 --timeout 2000"],
                           fields: [FieldSpec("handle", "the thread joined"), FieldSpec("tid", "its kernel thread id"),
                                    FieldSpec("state", "how it ended: finished, cancelled, failed"),
                                    FieldSpec("cpu_ms", "CPU time it used"), FieldSpec("elapsed_ms", "from its start to its end"),
                                    FieldSpec("waited_ms", "how long the join waited"),
                                    FieldSpec("result", "what its workload returned (a workload thread)", occasional: true),
                                    FieldSpec("workload", "the snippet it ran (a --py thread)", occasional: true),
                                    FieldSpec("output", "what the snippet printed (a --py thread)", occasional: true),
                                    FieldSpec("error", "the exception that ended it, if one did (a --py thread)", occasional: true)])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let handle = try arguments.require("T")
        if let snippet = try context.session.objects.lookup(handle, kind: .thread) as? PySnippetThread {
            return try joinSnippet(handle, snippet, arguments, context)
        }
        let thread = try ThreadSupport.thread(handle, context)
        let timeout = try arguments.integer("timeout")
        if let timeout, timeout < 0 { throw UsageError("--timeout must be 0 or more", usage: arguments.usage) }
        let start = Clock.monotonicNanoseconds()
        guard try ThreadSupport.wait(for: thread, timeoutMilliseconds: timeout, context) else {
            throw CommandError("\(handle) is still \(thread.state) after \(timeout ?? 0) ms; 'thread cancel \(handle)' asks it to stop")
        }
        context.session.objects.remove(handle)
        let s = thread.current
        return .record(Record(title: "\(handle) ended: \(thread.state)", [
            ("handle", .string(handle)),
            ("tid", .int(Int(s.tid))),
            ("state", .string(thread.state)),
            ("cpu_ms", ThreadSupport.cpu(thread)),
            ("elapsed_ms", .ms((s.endedAt ?? Clock.monotonicNanoseconds()) - s.startedAt)),
            ("waited_ms", .ms(Clock.monotonicNanoseconds() - start)),
            ("result", thread.result.map(Value.string) ?? .null),
        ]))
    }

    /// Joins a `thread spawn --py` thread: one blocking wait that ends with the thread, --timeout or Ctrl-C.
    private func joinSnippet(_ handle: String, _ thread: PySnippetThread, _ arguments: Arguments, _ context: Context) throws -> LabResult {
        let timeout = try arguments.integer("timeout")
        let start = Clock.monotonicNanoseconds()
        if !thread.waitUntilFinished(timeoutNanoseconds: timeout.map { Time.nanoseconds(milliseconds: max(0, $0)) }, or: context.cancellation) {
            try context.checkCancelled()
            throw CommandError("\(handle) is still \(thread.state) after \(timeout ?? 0) ms; 'thread cancel \(handle)' asks it to stop")
        }
        context.session.objects.remove(handle)
        var record = Record(title: "\(handle) ended: \(thread.state)", [("handle", .string(handle))])
        record.fields += thread.details().fields
        record.append("waited_ms", .ms(Clock.monotonicNanoseconds() - start))
        return .record(record)
    }
}

package struct ThreadCancel: Command {
    package let spec = CommandSpec("cancel", summary: "ask threads to stop (cooperative: a thread cannot be killed)",
                           arguments: [ArgumentSpec("T", .handle(.thread), variadic: true, help: "thread handles")],
                           flags: [FlagSpec("wait", value: .integer, valueName: "MS", help: "how long to wait for them to stop (default 1000)")],
                           examples: ["thread cancel t1", "thread cancel t1 t2 --wait 200", "thread cancel nap"],
                           discussion: """
                               The workload checks a stop flag between small steps; a thread waiting for a lab lock is woken \
                               and its acquire fails, so it releases what it holds and ends. A snippet thread (--py) gets one \
                               KeyboardInterrupt at its next instruction check, which its code may catch. A cancelled thread stays listed \
                               (state cancelled) until 'thread join' or 'close'.
                               """,
                           fields: [.column("handle", "a thread asked to stop"), .column("state", "its state after the wait"),
                                    .column("ended", "whether it ended within the wait"),
                                    FieldSpec("stopped", "threads that ended within the wait"),
                                    FieldSpec("still_running", "threads still running after it")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let handles = arguments.strings("T")
        let wait = try arguments.integer("wait", default: 1000, range: 0...600_000)
        // Snippet threads (thread spawn --py) stop at their next instruction check.
        var snippetRows: [[Value]] = []
        var nativeHandles: [String] = []
        for handle in handles {
            if let snippet = try context.session.objects.lookup(handle, kind: .thread) as? PySnippetThread {
                // Asked once (a snippet may catch the KeyboardInterrupt and go on: that is its choice); a thread still
                // starting has no thread state to flag yet, so the request is repeated until it is delivered.
                let deadline = Clock.monotonicNanoseconds() + Time.nanoseconds(milliseconds: wait)
                var ended = false
                var delivered = false
                repeat {
                    if !delivered { delivered = snippet.requestStop() }
                    ended = snippet.waitUntilFinished(timeoutNanoseconds: 10_000_000)
                } while !ended && Clock.monotonicNanoseconds() < deadline
                snippetRows.append([.string(handle), .string(snippet.state), .bool(ended)])
            } else {
                nativeHandles.append(handle)
            }
        }
        let threads = try nativeHandles.map { try ThreadSupport.thread($0, context) }
        for thread in threads { thread.requestCancel() }
        let deadline = Clock.monotonicNanoseconds() + Time.nanoseconds(milliseconds: wait)
        for thread in threads {
            let left = max(0, deadline - Clock.monotonicNanoseconds())
            _ = try ThreadSupport.wait(for: thread, timeoutMilliseconds: Int(left / 1_000_000), context)
        }
        let rows = snippetRows + zip(nativeHandles, threads).map { handle, thread -> [Value] in
            [.string(handle), .string(thread.state), .bool(thread.isFinished)]
        }
        let running = rows.filter { $0[2] == .bool(false) }.count
        return .table(Table(title: "asked to stop (threads cannot be killed: each ends at its next check of the stop flag, if its code lets it)",
                            columns: ["handle", "state", "ended"], rows: rows,
                            summary: Record([("stopped", .int(rows.count - running)), ("still_running", .int(running))])))
    }
}
