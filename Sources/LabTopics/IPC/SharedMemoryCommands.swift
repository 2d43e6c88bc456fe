import LabOS
import LabCore
import PyLab

/// Shared memory: a memfd mapped MAP_SHARED by the shell and by children forked from it. What one process stores,
/// the others load, with no copy through the kernel; and so the race of `race counter` comes back across processes
/// (`shm count`), fixed by a process-shared mutex in the segment. A holder killed with SIGKILL leaves a plain mutex
/// locked for ever (`shm hold`, `proc kill`, `shm lock`); a robust one hands the next locker EOWNERDEAD, and
/// `pthread_mutex_consistent` makes it usable again.
package final class SharedMemoryObject: LabObject, HoldsDescriptors {
    package let segment: SharedSegment

    init(segment: SharedSegment) { self.segment = segment }

    package var kind: ObjectKind { .segment }
    package var state: String { segment.isClosed ? "closed" : "mapped" }
    package var summary: String { "memfd \(segment.name), \(Format.bytes(Double(segment.size))), fd \(segment.fd), mapped shared" }

    package var heldDescriptors: [(Int32, String)] {
        segment.isClosed ? [] : [(segment.fd, "memfd \(segment.name) (shared memory)")]
    }

    package func details() -> Record {
        var record = Record([("fd", .int(Int(segment.fd))), ("size", .bytes(Int64(segment.size))), ("name", .string(segment.name)),
                             ("address", .string("0x" + String(segment.address, radix: 16)))])
        record.append("maps", segment.mapsLine().map(Value.string) ?? .null)
        record.append("counter", .int(Int(segment.counter)))
        for kind in SharedSegment.MutexKind.allCases {
            record.append(kind == .mutex ? "mutex" : "robust", .string(SharedMemorySupport.describe(segment.state(kind))))
        }
        return record
    }

    /// Unmaps it and closes its descriptor. A child that maps it (a holder) keeps its mapping.
    package func close() throws { segment.close() }
}

package enum SharedMemorySupport {
    package static let kinds = [ObjectKindInfo(kind: .segment, prefix: "m", listCommand: "shm", limitName: "segments", defaultLimit: 16)]

    package static func segment(_ handle: String, _ context: Context) throws -> SharedSegment {
        guard let object = try context.session.objects.lookup(handle, kind: .segment) as? SharedMemoryObject else {
            throw CommandError("\(handle) is not a shared memory segment")
        }
        return object.segment
    }

    package static func describe(_ state: SharedSegment.MutexState) -> String {
        switch state {
        case .free: return "free"
        case .held(let tid): return "held by tid \(tid)"
        case .ownerDied(let tid): return "owner died (tid \(tid)): the next locker gets EOWNERDEAD"
        case .notRecoverable: return "not recoverable (ENOTRECOVERABLE)"
        }
    }

    /// Who thread `tid` is, as the shell knows it: a process object's handle, and whether it still runs.
    /// `died`: the kernel said so (EOWNERDEAD), though /proc may still show the process on its way out.
    package static func owner(_ tid: Int32, died: Bool = false, _ context: Context) -> (text: String, alive: Bool) {
        let stat = ProcFS.stat(pid: tid)
        let alive = !died && (stat.map { !$0.state.hasEnded } ?? false)
        for (handle, object) in context.session.objects.all(kind: .process) {
            guard let child = object as? any ChildProcessObject, child.pid == tid else { continue }
            let state = object.state
            return ("\(handle) (pid \(tid)), " + (alive ? state : state.hasPrefix("killed") || state.hasPrefix("exited") ? "dead: " + state : "dead"), alive)
        }
        return (alive ? "pid \(tid), running" : "pid \(tid), gone", alive)
    }

    /// Refuses to start workers on a mutex they could never take.
    package static func requireUsable(_ kind: SharedSegment.MutexKind, of handle: String, _ segment: SharedSegment,
                                      _ context: Context, for purpose: String) throws {
        switch segment.state(kind) {
        case .free, .ownerDied: return
        case .notRecoverable:
            throw CommandError("\(handle)'s \(kind.label) is not recoverable (ENOTRECOVERABLE): nobody can take it again. 'shm new' makes a fresh segment.")
        case .held(let tid):
            let (who, alive) = owner(tid, context)
            let next = alive ? "Close or kill its holder first." : "Its holder died holding it, so nobody can take it again: 'shm lock \(handle) --lock \(kind.rawValue)' shows it; 'shm new' makes a fresh segment."
            throw CommandError("\(handle)'s \(kind.label) is held by \(who), so \(purpose) would wait for ever. \(next)")
        }
    }

    package static let lockFlag = FlagSpec("lock", value: .choice(SharedSegment.MutexKind.allCases.map(\.rawValue)), valueName: "KIND",
                                           help: "which mutex of the segment: mutex (the default) or robust")

    /// The segment argument M and the --lock flag (mutex by default) of `shm hold` and `shm lock`.
    package static func target(_ arguments: Arguments, _ context: Context) throws -> (handle: String, segment: SharedSegment, kind: SharedSegment.MutexKind) {
        let handle = try arguments.require("M")
        let kind = arguments.string("lock").flatMap(SharedSegment.MutexKind.init(rawValue:)) ?? .mutex
        return (handle, try segment(handle, context), kind)
    }
}

package struct SharedMemoryCommand: Command {
    package init() {}
    package let spec = CommandSpec("shm", summary: "shared memory between processes: a memfd mapped by the shell and its children, a process-shared mutex",
                           discussion: """
                               'shm new' makes a segment (m1); children forked from the shell inherit its MAP_SHARED mapping, \
                               so a store in one process is a load in the others, with no copy through the kernel. \
                               'shm count' races on a counter in it; 'shm hold' and 'shm lock' show what a killed holder \
                               leaves behind. Python's multiprocessing.shared_memory and mmap share memory the same way.
                               """)
    package let verbs: [any Command] = [SharedMemoryNew(), SharedMemoryList(), SharedMemoryCount(), SharedMemoryHold(), SharedMemoryLock()]
    package let defaultVerb: String? = "list"
    package let objectKinds = SharedMemorySupport.kinds
}

package struct SharedMemoryNew: Command {
    package let spec = CommandSpec("new", summary: "make a shared segment: a memfd (MFD_CLOEXEC) mapped MAP_SHARED in the shell",
                           flags: [FlagSpec("size", value: .integer, valueName: "BYTES", help: "its size (default 65536; at least 4096, the header)"),
                                   ChannelSupport.nameFlag],
                           examples: ["shm new", "shm new --size 1048576 --name pool", "show m1"],
                           discussion: """
                               The segment's first page holds a counter and two mutexes made PTHREAD_PROCESS_SHARED: 'mutex' \
                               (the default type) and 'robust' (PTHREAD_MUTEX_ROBUST). 'close' unmaps it; a child that maps \
                               it keeps its mapping, and the memory lives until the last mapping is gone.
                               """,
                           fields: [FieldSpec("handle", "the segment (m1 unless named)"), FieldSpec("fd", "the memfd's descriptor in the shell"),
                                    FieldSpec("size", "its size", unit: .bytes), FieldSpec("name", "the memfd's name"),
                                    FieldSpec("address", "where it is mapped in the shell"),
                                    FieldSpec("maps", "its line of /proc/self/maps: 'rw-s' (s: shared) and '/memfd:NAME (deleted)'"),
                                    FieldSpec("counter", "the counter 'shm count' adds to"),
                                    FieldSpec("mutex", "the process-shared mutex: free or held by tid N"),
                                    FieldSpec("robust", "the robust process-shared mutex: free, held, or owner died")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let size = try arguments.integer("size", default: 65_536, range: SharedSegment.headerSize...(1 << 30))
        let objects = context.session.objects
        try objects.checkName(arguments.string("name"))
        try objects.checkCapacity(for: .segment)
        let handleGuess = arguments.string("name") ?? objects.nextHandle(for: .segment)
        let segment: SharedSegment
        do { segment = try SharedSegment.create(name: "conclab-\(handleGuess)", size: size) } catch { throw DescriptorSupport.explain(error) }
        let handle = try ChannelSupport.register(SharedMemoryObject(segment: segment), name: arguments.string("name"), context)
        var record = Record(title: "\(handle): memfd of \(Format.bytes(Double(size))), fd \(segment.fd), mapped shared at 0x\(String(segment.address, radix: 16))",
                            [("handle", .string(handle))])
        record.fields += SharedMemoryObject(segment: segment).details().fields
        return .record(record)
    }
}

package struct SharedMemoryList: Command {
    package let spec = CommandSpec("list", aliases: ["ls"], summary: "the shared segments: descriptor, size, counter, mutexes",
                           examples: ["shm list"],
                           fields: [.column("handle", "the segment"), .column("fd", "its memfd in the shell"),
                                    .column("size", "its size", unit: .bytes), .column("counter", "the counter 'shm count' adds to"),
                                    .column("mutex", "the process-shared mutex"), .column("robust", "the robust one")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let rows: [[Value]] = context.session.objects.all(kind: .segment).compactMap { handle, object in
            guard let segment = (object as? SharedMemoryObject)?.segment else { return nil }
            return [.string(handle), .int(Int(segment.fd)), .bytes(Int64(segment.size)), .int(Int(segment.counter)),
                    .string(SharedMemorySupport.describe(segment.state(.mutex))), .string(SharedMemorySupport.describe(segment.state(.robust)))]
        }
        return .table(Table(columns: ["handle", "fd", "size", "counter", "mutex", "robust"], rows: rows))
    }
}

package struct SharedMemoryCount: Command {
    package let spec = CommandSpec("count", summary: "worker processes add 1 to a counter in the segment: updates are lost without a lock",
                           arguments: [ArgumentSpec("M", .handle(.segment), help: "a shared segment")],
                           flags: [FlagSpec("workers", value: .integer, valueName: "N", help: "worker processes (default 2, at most 8)"),
                                   FlagSpec("increments", value: .integer, valueName: "N", help: "increments per worker (default: as many as fit in --ms)"),
                                   FlagSpec("ms", value: .integer, valueName: "MS", help: "how long the workers count, without --increments (default 300)"),
                                   FlagSpec("lock", value: .choice(["none"] + SharedSegment.MutexKind.allCases.map(\.rawValue)), valueName: "KIND",
                                            help: "none (the default), mutex or robust: the process-shared mutex each increment is made under")],
                           examples: ["shm count m1", "shm count m1 --lock mutex", "shm count m1 --workers 4 --increments 1000000"],
                           discussion: """
                               The workers are forked from the shell and inherit the segment's mapping. They start together, \
                               then each loads the counter and stores it plus 1, again and again, and keeps its own tally in \
                               its private memory. 'expected' is the sum of the tallies; a store made from a stale load erases \
                               the other workers' updates in between, even on one CPU, where a worker preempted between its \
                               load and its store writes back an old value when it runs again. With --lock each increment is \
                               made holding a PTHREAD_PROCESS_SHARED mutex in the segment.
                               """,
                           fields: [FieldSpec("handle", "the segment"), FieldSpec("workers", "worker processes"),
                                    FieldSpec("lock", "none, mutex or robust"),
                                    FieldSpec("expected", "increments the workers made (each counted its own)"),
                                    FieldSpec("counted", "what the shared counter holds at the end"),
                                    FieldSpec("lost", "expected - counted: updates overwritten"),
                                    FieldSpec("lost_pct", "lost as a percentage of expected", unit: .percent),
                                    FieldSpec("per_worker", "each worker's own tally"),
                                    FieldSpec("pids", "the workers' process ids (all reaped)"),
                                    FieldSpec("elapsed_ms", "from the start signal until the last worker ended"),
                                    FieldSpec("ns_per_increment", "elapsed time per increment, all workers together", unit: .nanoseconds)])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let handle = try arguments.require("M")
        let segment = try SharedMemorySupport.segment(handle, context)
        let workers = try arguments.integer("workers", default: 2, range: 1...SharedSegment.maxWorkers)
        let increments = try arguments.integer("increments").map { n -> Int in
            guard (1...100_000_000).contains(n) else { throw UsageError("--increments must be 1 to 100000000", usage: arguments.usage) }
            return n
        }
        if increments != nil && arguments.has("ms") {
            throw UsageError("give --increments or --ms, not both: --ms counts for a time, --increments a fixed number", usage: arguments.usage)
        }
        let ms = try arguments.integer("ms", default: 300, range: 10...10_000)
        let lockName = arguments.string("lock") ?? "none"
        let lock = SharedSegment.MutexKind(rawValue: lockName)
        if let lock { try SharedMemorySupport.requireUsable(lock, of: handle, segment, context, for: "counting under it") }
        try context.session.objects.checkCapacity(for: .process, adding: workers)
        let total = Int64(ms) * 1_000_000
        let start = Clock.monotonicNanoseconds()
        let run: SharedSegment.CountRun?
        do {
            run = try segment.count(workers: workers, lock: lock, increments: increments.map(Int64.init), durationNanoseconds: total) {
                if increments == nil {
                    context.progress(min(1, Double(Clock.monotonicNanoseconds() - start) / Double(total)), "counting")
                }
                return context.cancellation.isCancelled
            }
        } catch {
            throw CommandError("shm count: \(error)")
        }
        guard let run else { throw Cancelled() }
        if let failed = run.statuses.first(where: { $0 != .exited(0) }) {
            throw CommandError("a counting worker did not finish cleanly (\(failed)); the count is not trustworthy")
        }
        let expected = run.expected
        let lostPct = expected > 0 ? Double(run.lost) * 100 / Double(expected) : 0
        let title = lock == nil
            ? "\(workers) processes, no lock: \(run.lost) of \(expected) updates lost"
            : "\(workers) processes under the \(lockName == "robust" ? "robust mutex" : "mutex"): \(run.lost) of \(expected) updates lost"
        return .record(Record(title: title, [
            ("handle", .string(handle)), ("workers", .int(workers)), ("lock", .string(lockName)),
            ("expected", .int(Int(expected))), ("counted", .int(Int(run.counted))), ("lost", .int(Int(run.lost))),
            ("lost_pct", .quantity((lostPct * 10).rounded() / 10, .percent)),
            ("per_worker", .list(run.tallies.map { .int(Int($0)) })), ("pids", .list(run.pids.map { .int(Int($0)) })),
            ("elapsed_ms", .ms(run.nanoseconds)),
            ("ns_per_increment", .quantity(expected > 0 ? (Double(run.nanoseconds) / Double(expected) * 10).rounded() / 10 : 0, .nanoseconds)),
        ]))
    }
}

package struct SharedMemoryHold: Command {
    package let spec = CommandSpec("hold", summary: "a child process takes the segment's mutex and holds it until it is killed",
                           arguments: [ArgumentSpec("M", .handle(.segment), help: "a shared segment")],
                           flags: [SharedMemorySupport.lockFlag,
                                   FlagSpec("name", value: .word, valueName: "NAME", help: "handle for the holding process")],
                           examples: ["shm hold m1", "proc kill p1 KILL", "shm lock m1 --timeout 500"],
                           discussion: """
                               The holder is forked from the shell, takes the mutex and sleeps. Kill it ('proc kill P KILL'): \
                               a plain mutex stays locked, its owner a thread that no longer exists, and every later locker \
                               waits for ever. A robust mutex (--lock robust) is on the holder's robust list, so the kernel \
                               marks it when the holder dies and the next locker gets EOWNERDEAD. Python's \
                               multiprocessing.Lock is a POSIX semaphore, which has no owner to die: python3 3.11 here, with \
                               its holder killed, answers acquire(timeout=0.5) with False.
                               """,
                           fields: [FieldSpec("handle", "the segment"), FieldSpec("holder", "the holding process's handle"),
                                    FieldSpec("pid", "its process id (and thread id: it has one thread)"),
                                    FieldSpec("lock", "mutex or robust"),
                                    FieldSpec("result", "what its lock call gave: taken, or EOWNERDEAD when it took a robust mutex from a dead holder (and made it consistent)"),
                                    FieldSpec("state", "the mutex as its memory shows it now: held by tid N")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let (handle, segment, kind) = try SharedMemorySupport.target(arguments, context)
        let objects = context.session.objects
        try objects.checkCapacity(for: .process)
        try objects.checkName(arguments.string("name"))
        try SharedMemorySupport.requireUsable(kind, of: handle, segment, context, for: "a holder")
        let held: (pid: Int32, result: Errno)
        do { held = try segment.forkHolder(kind, timeoutMilliseconds: 5_000) } catch {
            throw CommandError("shm hold: \(error)")
        }
        let process = PeerProcess(pid: held.pid, role: "holds \(handle)'s \(kind.label)", started: "fork")
        let holder: String
        do { holder = try objects.add(process, name: arguments.string("name")) } catch {
            try? process.close()
            throw error
        }
        EventRecorder.of(context.session).record(holder, .spawn, "holds \(handle)'s \(kind.label)")
        let result = held.result.rawValue == 0 ? "taken" : held.result.name
        return .record(Record(title: "\(holder) (pid \(held.pid)) holds \(handle)'s \(kind.label)", [
            ("handle", .string(handle)), ("holder", .string(holder)), ("pid", .int(Int(held.pid))), ("lock", .string(kind.rawValue)),
            ("result", .string(result)), ("state", .string(SharedMemorySupport.describe(segment.state(kind)))),
        ]))
    }
}

package struct SharedMemoryLock: Command {
    package let spec = CommandSpec("lock", summary: "the shell tries to take the segment's mutex (and lets it go at once)",
                           arguments: [ArgumentSpec("M", .handle(.segment), help: "a shared segment")],
                           flags: [SharedMemorySupport.lockFlag,
                                   FlagSpec("timeout", value: .integer, valueName: "MS", help: "give up after MS milliseconds (default 500, at most 10000)"),
                                   FlagSpec("no-recover", help: "after EOWNERDEAD, let go without pthread_mutex_consistent: the mutex becomes unusable")],
                           examples: ["shm lock m1", "shm lock m1 --lock robust --timeout 500"],
                           discussion: """
                               pthread_mutex_clocklock with a deadline. A mutex held by a live process times out \
                               (ETIMEDOUT) until it lets go; one held by a dead process times out for ever. A robust mutex \
                               whose holder died is taken with EOWNERDEAD: the shell then holds it, and what it protects may \
                               be half-updated; pthread_mutex_consistent says it has been put right, and the mutex works \
                               again. Let go without it (--no-recover), it answers ENOTRECOVERABLE to everyone from then on.
                               """,
                           fields: [FieldSpec("handle", "the segment"), FieldSpec("lock", "mutex or robust"),
                                    FieldSpec("result", "taken, ETIMEDOUT, EOWNERDEAD or ENOTRECOVERABLE"),
                                    FieldSpec("acquired", "whether the shell got the mutex (then let it go)"),
                                    FieldSpec("recovered", "after EOWNERDEAD: whether pthread_mutex_consistent made it usable again"),
                                    FieldSpec("owner_tid", "the owner the mutex recorded before the try; null if it was free"),
                                    FieldSpec("owner_alive", "whether that owner still runs; null if it was free"),
                                    FieldSpec("owner", "who that owner is: a process handle, or a pid; null if it was free"),
                                    FieldSpec("waited_ms", "how long the try took"),
                                    FieldSpec("state", "the mutex afterwards: free, held by tid N, not recoverable")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let (handle, segment, kind) = try SharedMemorySupport.target(arguments, context)
        let timeout = try arguments.integer("timeout", default: 500, range: 0...10_000)
        let recover = !arguments.flag("no-recover")
        let before: Int32?
        switch segment.state(kind) {
        case .free, .notRecoverable: before = nil
        case .held(let tid), .ownerDied(let tid): before = tid
        }
        let start = Clock.monotonicNanoseconds()
        let deadline = start + Int64(timeout) * 1_000_000
        var attempt = SharedSegment.LockAttempt.timedOut
        // In slices, so Ctrl-C ends a long wait.
        repeat {
            try context.checkCancelled()
            let left = max(0, deadline - Clock.monotonicNanoseconds())
            attempt = segment.lockOnce(kind, timeoutNanoseconds: min(left, 100_000_000), recover: recover)
        } while attempt == .timedOut && Clock.monotonicNanoseconds() < deadline
        let waited = Clock.monotonicNanoseconds() - start
        // Looked up after the try: a holder killed just before has had the time to die.
        let owner = before.map { tid -> (text: String, alive: Bool) in
            if case .ownerDied = attempt { return SharedMemorySupport.owner(tid, died: true, context) }
            return SharedMemorySupport.owner(tid, context)
        }
        let result: String
        var recovered: Value = .null
        var acquired = false
        let title: String
        switch attempt {
        case .taken:
            result = "taken"; acquired = true
            title = "\(handle)'s \(kind.label): taken and let go"
        case .timedOut:
            result = "ETIMEDOUT"
            title = "\(handle)'s \(kind.label) is still held after \(timeout) ms" + (owner.map { " (owner \($0.text))" } ?? "")
        case .ownerDied(let didRecover):
            result = "EOWNERDEAD"; acquired = true; recovered = .bool(didRecover)
            title = didRecover
                ? "\(handle)'s robust mutex: its owner died (EOWNERDEAD); made consistent and let go, it works again"
                : "\(handle)'s robust mutex: its owner died (EOWNERDEAD); let go without pthread_mutex_consistent, it is now unusable"
        case .notRecoverable:
            result = "ENOTRECOVERABLE"
            title = "\(handle)'s robust mutex is not recoverable (ENOTRECOVERABLE): 'shm new' makes a fresh segment"
        case .failed(let code):
            throw CommandError("cannot lock \(handle)'s \(kind.label): \(code.message) (\(code.name))")
        }
        return .record(Record(title: title, [
            ("handle", .string(handle)), ("lock", .string(kind.rawValue)), ("result", .string(result)), ("acquired", .bool(acquired)),
            ("recovered", recovered), ("owner_tid", before.map { .int(Int($0)) } ?? .null),
            ("owner_alive", owner.map { .bool($0.alive) } ?? .null), ("owner", owner.map { .string($0.text) } ?? .null),
            ("waited_ms", .ms(waited)), ("state", .string(SharedMemorySupport.describe(segment.state(kind)))),
        ]))
    }
}
