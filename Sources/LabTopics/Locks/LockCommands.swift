import LabOS
import LabCore
import PyLab


/// `lock`: named lab locks that threads take with the `lockseq` workload.
package struct LockCommand: Command {
    package init() {}
    package let spec = CommandSpec("lock", summary: "lab locks: make them, see owners and waiters, count contention, measure lock cost",
                           discussion: """
                               A lab lock is a mutex that knows its owner and waiters, so 'deadlock check' can draw the \
                               wait-for graph, and whose waiting acquire fails when the waiting thread is cancelled. \
                               Threads take lab locks with 'thread spawn lockseq L1 L2 --hold MS'.
                               """)
    package let verbs: [any Command] = [LockNew(), LockList(), LockStatsCommand(), LockBench()]
    package let defaultVerb: String? = "list"
    package let objectKinds = [ObjectKindInfo(kind: .lock, prefix: "L", listCommand: "lock", limitName: "locks", defaultLimit: 256)]
}

package enum LockSupport {
    /// Every lab lock of the session with its handle and state, in handle order of creation.
    package static func locks(_ context: Context) -> [(handle: String, lock: LabLock, snapshot: LockSnapshot)] {
        context.session.objects.all(kind: .lock).compactMap { entry in
            guard let lock = entry.object as? LabLock, let snapshot = lock.snapshot else { return nil }
            return (entry.handle, lock, snapshot)
        }
    }
}

package struct LockNew: Command {
    package let spec = CommandSpec("new", summary: "make a lab lock (L1, L2 … unless named)",
                           arguments: [ArgumentSpec("NAME", .word, optional: true, help: "handle to use instead of L1, L2 …")],
                           flags: [FlagSpec("name", value: .word, valueName: "NAME", help: "the same, as every other command that makes an object takes it")],
                           examples: ["lock new", "lock new accounts", "lock new --name accounts"],
                           fields: [FieldSpec("handle", "the new lock (L1, L2 … or its name)"), FieldSpec("state", "free: nobody holds it yet")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let objects = context.session.objects
        if arguments.has("NAME") && arguments.has("name") {
            throw UsageError("give the name once: 'lock new NAME' or 'lock new --name NAME'", usage: arguments.usage)
        }
        let name = arguments.string("NAME") ?? arguments.string("name")
        try objects.checkCapacity(for: .lock)
        try objects.checkName(name)
        let table = LockTable.of(context.session)
        let id = table.create(name: name ?? "?")
        let handle: String
        do { handle = try objects.add(LabLock(id: id, table: table), name: name) } catch {
            table.remove(id)
            throw error
        }
        table.rename(id, to: handle)
        return .record(Record(title: "made lock \(handle)", [("handle", .string(handle)), ("state", .string("free"))]))
    }
}

package struct LockList: Command {
    package let spec = CommandSpec("list", aliases: ["ls"], summary: "list lab locks: owner and waiting threads",
                           examples: ["lock list", "lock list | where owner != null"],
                           fields: [.column("handle", "the lock"), .column("state", "free or held"),
                                    .column("owner", "the thread holding it, null if free"),
                                    .column("waiters", "the threads waiting for it, as a list"),
                                    .column("acquisitions", "times it was taken")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let rows = LockSupport.locks(context).map { handle, lock, s -> [Value] in
            [.string(handle), .string(s.owner == nil ? "free" : "held"), s.owner.map { .string($0.name) } ?? .null,
             .list(s.waiters.map { .string($0.name) }), .int(s.stats.acquisitions)]
        }
        return .table(Table(columns: ["handle", "state", "owner", "waiters", "acquisitions"], rows: rows))
    }
}

package struct LockStatsCommand: Command {
    package let spec = CommandSpec("stats", summary: "per lock: acquisitions, how many had to wait (contention), time spent waiting",
                           examples: ["lock stats"],
                           fields: [.column("lock", "the lock"), .column("acquisitions", "times it was taken"),
                                    .column("contended", "times the taker had to wait"),
                                    .column("contention_pct", "contended, in per cent of acquisitions"),
                                    .column("wait_ms", "time spent waiting for it"), .column("mean_wait_ms", "the mean wait"),
                                    .column("max_wait_ms", "the longest wait"),
                                    FieldSpec("acquisitions", "all locks' acquisitions"), FieldSpec("contended", "all locks' contended acquisitions"),
                                    FieldSpec("wait_ms", "all time spent waiting")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        var total = LockStats()
        let rows = LockSupport.locks(context).map { handle, _, s -> [Value] in
            let st = s.stats
            total.acquisitions += st.acquisitions
            total.contended += st.contended
            total.waitNanoseconds += st.waitNanoseconds
            let share = st.acquisitions == 0 ? 0 : Double(st.contended) * 100 / Double(st.acquisitions)
            let mean = st.contended == 0 ? 0 : st.waitNanoseconds / Int64(st.contended)
            return [.string(handle), .int(st.acquisitions), .int(st.contended), .quantity(share, .percent),
                    .ms(st.waitNanoseconds), .ms(mean), .ms(st.maxWaitNanoseconds)]
        }
        return .table(Table(columns: ["lock", "acquisitions", "contended", "contention_pct", "wait_ms", "mean_wait_ms", "max_wait_ms"],
                            rows: rows,
                            summary: Record([("acquisitions", .int(total.acquisitions)), ("contended", .int(total.contended)),
                                             ("wait_ms", .ms(total.waitNanoseconds))])))
    }
}

/// `deadlock`: the wait-for graph of the lab locks, and the watchdog that reads it.
package struct DeadlockCommand: Command {
    package init() {}
    package let spec = CommandSpec("deadlock", summary: "find deadlocks: the wait-for graph of lab locks and its cycles",
                           discussion: """
                               An edge goes from each waiting thread to the thread holding the lock it waits for; a cycle \
                               is a deadlock: no thread in it can ever go on. The watchdog (on by default) looks every \
                               100 ms and reports each new cycle. Break one with 'thread cancel' on any thread in it.
                               """)
    package let verbs: [any Command] = [DeadlockCheck(), DeadlockWatch()]
    package let defaultVerb: String? = "check"
}

package struct DeadlockCheck: Command {
    package let spec = CommandSpec("check", summary: "build the wait-for graph now and print any cycle",
                           flags: [FlagSpec("wait", value: .integer, valueName: "MS", help: "keep looking up to MS milliseconds for a cycle to form")],
                           examples: ["deadlock check", "deadlock check --wait 2000"],
                           fields: [.column("thread", "a thread waiting for a lab lock"), .column("waits_for", "the lock it waits for"),
                                    .column("held_by", "the thread holding that lock"),
                                    FieldSpec("deadlocked", "whether the graph has a cycle"), FieldSpec("cycles", "how many cycles it has"),
                                    FieldSpec("cycle", "the first cycle in words, empty if none"),
                                    FieldSpec("threads", "the threads in the first cycle, as a list"),
                                    FieldSpec("locks", "the locks in the first cycle, as a list"),
                                    FieldSpec("waiting", "threads waiting for a lab lock (edges of the graph)")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let wait = try arguments.integer("wait", default: 0, range: 0...600_000)
        let deadline = Clock.monotonicNanoseconds() + Time.nanoseconds(milliseconds: wait)
        var graph = Self.graph(context)
        while graph.cycles.isEmpty && Clock.monotonicNanoseconds() < deadline {
            try context.sleep(milliseconds: 10)
            graph = Self.graph(context)
        }
        return .table(Self.render(graph))
    }

    /// The wait-for graph of the locks this scope sees: a guided lab's own, not the learner's set aside.
    package static func graph(_ context: Context) -> WaitForGraph {
        WaitForGraph(LockSupport.locks(context).map(\.snapshot))
    }

    package static func render(_ graph: WaitForGraph) -> Table {
        let cycles = graph.cycles
        let rows = graph.edges.map { [Value.string($0.waiter), .string($0.lock), .string($0.holder)] }
        let first = cycles.first
        let title = first.map { "deadlock: \($0)" }
            ?? (graph.edges.isEmpty ? "no deadlock: no thread waits for a lab lock" : "no deadlock: waiting, but no cycle")
        return Table(title: title, columns: ["thread", "waits_for", "held_by"], rows: rows, summary: Record([
            ("deadlocked", .bool(first != nil)),
            ("cycles", .int(cycles.count)),
            ("cycle", .string(first?.description ?? "")),
            ("threads", .list((first?.threads ?? []).map(Value.string))),
            ("locks", .list((first?.locks ?? []).map(Value.string))),
            ("waiting", .int(graph.edges.count)),
        ]))
    }
}

package struct DeadlockWatch: Command {
    package let spec = CommandSpec("watch", summary: "show or switch the deadlock watchdog (on by default)",
                           arguments: [ArgumentSpec("SWITCH", .choice(["on", "off"]), optional: true)],
                           examples: ["deadlock watch", "deadlock watch off"],
                           fields: [FieldSpec("watchdog", "on or off"), FieldSpec("interval_ms", "how often it looks for a cycle")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let table = LockTable.of(context.session)
        if let value = arguments.string("SWITCH") { table.setWatchdog(value == "on") }
        return .record(Record([("watchdog", .string(table.watchdogOn ? "on" : "off")),
                               ("interval_ms", .ms(LockTable.watchdogIntervalNanoseconds))]))
    }
}
