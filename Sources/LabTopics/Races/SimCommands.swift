import LabCore
import PyLab
/// The stepper as the session sees it: one loaded scenario, its current state, the steps taken so far.
package struct SimSession: Sendable {
    package var scenario: SimScenario?
    package var state: SimState?
    package var schedule: [Int] = []

    package static let stateKey = TopicKey("sim") { SimSession() }

    package static func of(_ context: Context) -> SimSession {
        context.session.state(stateKey)
    }

    package static func store(_ value: SimSession, _ context: Context) {
        context.session.withState(stateKey) { $0 = value }
    }

    /// The loaded scenario and its state, or the error that says how to load one.
    package static func loaded(_ context: Context) throws -> (SimScenario, SimState, SimSession) {
        let sim = of(context)
        guard let scenario = sim.scenario, let state = sim.state else {
            throw CommandError("No scenario loaded. Run 'sim load counter' (or \(SimScenarios.names.dropFirst().joined(separator: ", "))) first.")
        }
        return (scenario, state, sim)
    }
}

/// `sim`: the deterministic stepper and the explorer.
package struct SimCommand: Command {
    package init() {}
    package let spec = CommandSpec("sim", summary: "step threads one instruction at a time through a race; explore every interleaving",
                           discussion: """
                               Scenarios: counter (x += 1), check-then-act (withdraw if the balance allows), lock-order \
                               (two locks in opposite orders), refcount (incref/decref without atomics). Load one, then \
                               choose which thread moves ('sim step t1', 'sim run t1 t2 t2 t1 …') and watch the shared \
                               state, or let 'sim explore' count every schedule and show one that reaches each outcome.
                               """)
    package let verbs: [any Command] = [SimLoad(), SimShow(), SimStep(), SimRun(), SimReset(), SimExplore(), SimList()]
    package let defaultVerb: String? = "show"
}

package enum SimRender {
    /// What `state` returns, for `help`: the columns, then the summary. The shared variables and lock owners are
    /// the four scenarios' own (x, balance, refs; owner_m, owner_L1, owner_L2).
    package static let stateFields: [FieldSpec] = [
        .column("thread", "a simulated thread: t1, t2 …"), .column("pc", "the index of its next instruction"),
        .column("next", "its next instruction, or (finished)"), .column("locals", "its locals (r, paid), as a record"),
        .column("status", "ready, finished, or blocked on a lock (held by …)"),
        FieldSpec("x", "the shared counter (counter, lock-order)", occasional: true),
        FieldSpec("balance", "the shared balance (check-then-act)", occasional: true),
        FieldSpec("refs", "obj's reference count (refcount)", occasional: true),
        FieldSpec("owner_m", "the thread holding lock m, null if free (--sync mutex)", occasional: true),
        FieldSpec("owner_L1", "the thread holding L1, null if free (lock-order)", occasional: true),
        FieldSpec("owner_L2", "the thread holding L2, null if free (lock-order)", occasional: true),
        FieldSpec("freed", "whether obj was freed (refcount)", occasional: true),
        FieldSpec("freed_by", "the thread that freed obj, null if none (refcount)", occasional: true),
        FieldSpec("used_after_free", "whether a thread used obj after it was freed (refcount)", occasional: true),
        FieldSpec("steps", "steps taken since the scenario's start"),
        FieldSpec("schedule", "the threads that took them, in order"),
        FieldSpec("finished", "whether every thread has finished"),
        FieldSpec("deadlock", "whether no thread can move though some have not finished"),
        FieldSpec("outcome", "the final state in words, null until finished or deadlocked"),
        FieldSpec("violates", "whether the final state breaks the invariant, null until then"),
    ]

    package static func schedule(_ threads: [Int]) -> String {
        threads.map { SimScenario.threadName($0) }.joined(separator: " ")
    }

    /// Each thread's next instruction, locals and status; the shared state and progress as summary fields.
    package static func state(_ scenario: SimScenario, _ state: SimState, schedule steps: [Int], title: String? = nil) -> Table {
        var rows: [[Value]] = []
        for thread in 0..<scenario.threadCount {
            let pc = state.pcs[thread]
            let next = pc < scenario.programs[thread].count ? scenario.programs[thread][pc].text : "(finished)"
            let locals = Record(scenario.localNames.enumerated().map { ($1, .int(state.locals[thread][$0])) })
            let status: String
            switch scenario.block(thread, in: state) {
            case nil: status = "ready"
            case .finished: status = "finished"
            case .waiting(let lock, let holder): status = "blocked on \(scenario.lockNames[lock]) (held by \(SimScenario.threadName(holder)))"
            }
            rows.append([.string(SimScenario.threadName(thread)), .int(pc), .string(next), .record(locals), .string(status)])
        }
        var summary = Record()
        for (i, name) in scenario.sharedNames.enumerated() { summary.append(name, .int(state.shared[i])) }
        for (i, name) in scenario.lockNames.enumerated() {
            summary.append("owner_" + name, state.owners[i] >= 0 ? .string(SimScenario.threadName(state.owners[i])) : .null)
        }
        let fields = scenario.fields(state)
        for key in ["freed", "freed_by", "used_after_free"] { if let v = fields[key] { summary.append(key, v) } }
        let finished = scenario.isFinished(state)
        let deadlocked = scenario.isDeadlocked(state)
        summary.append("steps", .int(steps.count))
        summary.append("schedule", .string(schedule(steps)))
        summary.append("finished", .bool(finished))
        summary.append("deadlock", .bool(deadlocked))
        if finished || deadlocked {
            summary.append("outcome", .string(scenario.describe(state)))
            summary.append("violates", .bool(!scenario.invariantHolds(state)))
        } else {
            summary.append("outcome", .null)
            summary.append("violates", .null)
        }
        return Table(title: title, columns: ["thread", "pc", "next", "locals", "status"], rows: rows, summary: summary)
    }

    /// The programs side by side, one column per thread.
    package static func program(_ scenario: SimScenario) -> Table {
        let length = scenario.programs.map(\.count).max() ?? 0
        let rows = (0..<length).map { pc -> [Value] in
            [.int(pc)] + scenario.programs.map { pc < $0.count ? .string($0[pc].text) : .string("") }
        }
        let initial = scenario.sharedNames.enumerated().map { "\($1)=\(scenario.initialShared[$0])" }.joined(separator: " ")
        return Table(title: "\(scenario.name) (sync \(scenario.variant)): \(scenario.summary)",
                     columns: ["pc"] + (0..<scenario.threadCount).map(SimScenario.threadName), rows: rows,
                     summary: Record([("scenario", .string(scenario.name)), ("sync", .string(scenario.variant)),
                                      ("threads", .int(scenario.threadCount)), ("shared", .string(initial)),
                                      ("invariant", .string(scenario.invariantText))]))
    }
}

package struct SimLoad: Command {
    package let spec = CommandSpec("load", summary: "load a scenario (its threads' instructions) and start at its first step",
                           arguments: [ArgumentSpec("SCENARIO", .choice(SimScenarios.names))],
                           flags: [FlagSpec("sync", value: .choice(SimScenarios.allVariants), valueName: "FIX",
                                            help: "none (the race), or the fix: mutex, atomic (counter, refcount), ordered (lock-order)"),
                                   FlagSpec("threads", short: "t", value: .integer, valueName: "N", help: "2 or 3 threads (default 2)"),
                                   FlagSpec("increments", short: "k", value: .integer, valueName: "K", help: "counter: increments per thread, 1 to 3 (default 1)")],
                           examples: ["sim load counter", "sim load counter --sync mutex", "sim load lock-order",
                                      "sim load refcount --sync atomic", "sim load check-then-act --threads 3"],
                           fields: [.column("pc", "the index of an instruction"), .column("t1", "thread t1's instruction there"),
                                    .column("t2", "thread t2's instruction there"),
                                    FieldSpec("t3", "thread t3's instruction there (--threads 3)", column: true, occasional: true),
                                    FieldSpec("scenario", "the scenario's name"), FieldSpec("sync", "its variant: none or the fix"),
                                    FieldSpec("threads", "how many threads it has"),
                                    FieldSpec("shared", "the shared variables' first values (x=0)"),
                                    FieldSpec("invariant", "what a correct run keeps, in words")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let scenario: SimScenario
        do {
            scenario = try SimScenarios.make(try arguments.require("SCENARIO"), sync: arguments.string("sync") ?? "none",
                                             threads: try arguments.integer("threads"), increments: try arguments.integer("increments"))
        } catch let error as UsageError {
            throw UsageError(error.message, usage: arguments.usage)
        }
        SimSession.store(SimSession(scenario: scenario, state: scenario.initialState, schedule: []), context)
        return .table(SimRender.program(scenario))
    }
}

package struct SimShow: Command {
    package let spec = CommandSpec("show", summary: "each thread's next instruction and locals, the shared state, lock owners",
                           examples: ["sim show"], fields: SimRender.stateFields)

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let (scenario, state, sim) = try SimSession.loaded(context)
        return .table(SimRender.state(scenario, state, schedule: sim.schedule, title: "\(scenario.name) (sync \(scenario.variant)) after \(sim.schedule.count) steps"))
    }
}

package struct SimStep: Command {
    package let spec = CommandSpec("step", summary: "run the next instruction of one thread (N times)",
                           arguments: [ArgumentSpec("T", .word, help: "a simulated thread: t1, t2 …"),
                                       ArgumentSpec("N", .integer, optional: true, help: "how many instructions (default 1)")],
                           examples: ["sim step t1", "sim step t2 3"], fields: SimRender.stateFields)

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let (scenario, _, _) = try SimSession.loaded(context)
        let name = try arguments.require("T")
        guard let thread = scenario.thread(named: name) else {
            throw UsageError("no simulated thread '\(name)': this scenario has \(SimRender.schedule(Array(0..<scenario.threadCount)))", usage: arguments.usage)
        }
        let count = try arguments.integer("N", default: 1, range: 1...1000)
        return try SimRun.apply(Array(repeating: thread, count: count), scenario, context)
    }
}

package struct SimRun: Command {
    package let spec = CommandSpec("run", summary: "run a schedule from the current state: which thread moves at each step",
                           arguments: [ArgumentSpec("SCHEDULE", .word, variadic: true, help: "thread names in order: t1 t1 t2 …")],
                           examples: ["sim run t1 t2 t1 t2 t1 t2", "sim run 1 1 1 2 2 2"],
                           discussion: "The whole schedule is checked first: if a step cannot run (its thread is blocked or finished), nothing runs.",
                           fields: SimRender.stateFields)

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let (scenario, _, _) = try SimSession.loaded(context)
        var threads: [Int] = []
        for word in arguments.strings("SCHEDULE") {
            guard let thread = scenario.thread(named: word) else {
                throw UsageError("no simulated thread '\(word)': this scenario has \(SimRender.schedule(Array(0..<scenario.threadCount)))", usage: arguments.usage)
            }
            threads.append(thread)
        }
        return try Self.apply(threads, scenario, context)
    }

    /// Runs the steps on a copy; commits only if every step could run.
    package static func apply(_ threads: [Int], _ scenario: SimScenario, _ context: Context) throws -> LabResult {
        var (_, state, sim) = try SimSession.loaded(context)
        var done: [String] = []
        for (index, thread) in threads.enumerated() {
            if let why = scenario.refusal(thread, in: state) {
                throw CommandError("step \(index + 1) of \(threads.count): \(why); nothing was run")
            }
            let text = scenario.programs[thread][state.pcs[thread]].text
            scenario.step(thread, &state)
            done.append("\(SimScenario.threadName(thread)): \(text)")
        }
        sim.state = state
        sim.schedule += threads
        SimSession.store(sim, context)
        let title = done.count == 1 ? done[0] : "ran \(done.count) steps: \(SimRender.schedule(threads))"
        return .table(SimRender.state(scenario, state, schedule: sim.schedule, title: title))
    }
}

package struct SimReset: Command {
    package let spec = CommandSpec("reset", summary: "go back to the scenario's first step", examples: ["sim reset"],
                           fields: SimRender.stateFields)

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let (scenario, _, _) = try SimSession.loaded(context)
        SimSession.store(SimSession(scenario: scenario, state: scenario.initialState, schedule: []), context)
        return .table(SimRender.state(scenario, scenario.initialState, schedule: [], title: "\(scenario.name) (sync \(scenario.variant)) reset"))
    }
}

package struct SimExplore: Command {
    package let spec = CommandSpec("explore", summary: "every interleaving of the loaded scenario: each final outcome, how many schedules reach it, one that does",
                           examples: ["sim explore", "sim explore | where violates"],
                           discussion: """
                               Counts every complete schedule from the scenario's start, exactly: schedules that pass through the \
                               same state share the work. 'violates' marks outcomes that break the scenario's invariant; a \
                               deadlock (no thread can move) is an outcome too. Replay a witness with 'sim reset' and 'sim run'.
                               """,
                           fields: [.column("outcome", "a final state in words"), .column("schedules", "complete schedules that end there"),
                                    .column("share", "schedules, in per cent of all", unit: .percent),
                                    .column("shortest_witness", "a shortest schedule that reaches it"),
                                    .column("steps", "that schedule's length"), .column("violates", "whether it breaks the invariant"),
                                    FieldSpec("scenario", "the scenario's name"), FieldSpec("sync", "its variant: none or the fix"),
                                    FieldSpec("threads", "how many threads it has"),
                                    FieldSpec("total_schedules", "every complete schedule from the start"),
                                    FieldSpec("distinct_outcomes", "different final states"),
                                    FieldSpec("violating_outcomes", "outcomes that break the invariant"),
                                    FieldSpec("violating_schedules", "schedules that end in one of them"),
                                    FieldSpec("deadlocked_schedules", "schedules that end in a deadlock"),
                                    FieldSpec("outcomes", "the outcomes in words, as a list"),
                                    FieldSpec("states", "distinct states the schedules pass through"),
                                    FieldSpec("capped", "whether the count stopped early (always false: it counts them all)"),
                                    FieldSpec("method", "how the schedules were counted, in words")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let (scenario, _, _) = try SimSession.loaded(context)
        let result: SimExploration
        do {
            result = try SimExplorer.explore(scenario, checkCancelled: { try context.checkCancelled() })
        } catch let error as SimExplorer.TooLarge {
            throw CommandError(error.description)
        }
        let total = Double(max(1, result.totalSchedules))
        let rows = result.outcomes.map { o -> [Value] in
            [.string(o.description), .int(o.schedules), .quantity(Double(o.schedules) * 100 / total, .percent),
             .string(SimRender.schedule(o.witness)), .int(o.witness.count), .bool(o.violates)]
        }
        let violating = result.outcomes.filter(\.violates)
        let method = "all \(result.totalSchedules) interleavings counted exactly, merging the \(result.states) distinct states they pass through"
            + (result.saturated ? " (a count reached the largest integer and was held there)" : "")
        return .table(Table(title: "\(scenario.name) (sync \(scenario.variant)): \(result.outcomes.count) outcome\(result.outcomes.count == 1 ? "" : "s") over \(result.totalSchedules) schedules; invariant: \(scenario.invariantText)",
                            columns: ["outcome", "schedules", "share", "shortest_witness", "steps", "violates"], rows: rows,
                            summary: Record([
                                ("scenario", .string(scenario.name)), ("sync", .string(scenario.variant)),
                                ("threads", .int(scenario.threadCount)),
                                ("total_schedules", .int(result.totalSchedules)),
                                ("distinct_outcomes", .int(result.outcomes.count)),
                                ("violating_outcomes", .int(violating.count)),
                                ("violating_schedules", .int(violating.reduce(0) { $0 &+ $1.schedules })),
                                ("deadlocked_schedules", .int(result.outcomes.filter(\.deadlock).reduce(0) { $0 &+ $1.schedules })),
                                ("outcomes", .list(result.outcomes.map { .string($0.description) })),
                                ("states", .int(result.states)),
                                ("capped", .bool(false)),
                                ("method", .string(method)),
                            ])))
    }
}

package struct SimList: Command {
    package let spec = CommandSpec("list", aliases: ["ls"], summary: "the scenarios and their --sync variants", examples: ["sim list"],
                           fields: [.column("scenario", "a scenario's name, for 'sim load'"),
                                    .column("sync", "its --sync variants"), .column("what", "what its threads do")])

    package func run(_ arguments: Arguments, in context: Context) throws -> LabResult {
        let rows = SimScenarios.names.compactMap { name -> [Value]? in
            guard let scenario = try? SimScenarios.make(name) else { return nil }
            return [.string(name), .string((SimScenarios.variants[name] ?? []).joined(separator: ", ")), .string(scenario.summary)]
        }
        return .table(Table(columns: ["scenario", "sync", "what"], rows: rows))
    }
}
