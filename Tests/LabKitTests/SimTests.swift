import Testing
import TestSupport
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide

/// Every complete schedule, one by one: the slow, obvious count the explorer must agree with.
private func bruteForce(_ scenario: SimScenario) -> [String: Int] {
    var counts: [String: Int] = [:]
    func walk(_ state: SimState) {
        let runnable = scenario.runnable(state)
        if runnable.isEmpty {
            counts[scenario.describe(state), default: 0] += 1
            return
        }
        for thread in runnable {
            var next = state
            scenario.step(thread, &next)
            walk(next)
        }
    }
    walk(scenario.initialState)
    return counts
}

private func explore(_ name: String, sync: String = "none", threads: Int? = nil, increments: Int? = nil) throws -> SimExploration {
    try SimExplorer.explore(try SimScenarios.make(name, sync: sync, threads: threads, increments: increments))
}

private func table(_ e: SimExploration) -> [String: Int] {
    Dictionary(uniqueKeysWithValues: e.outcomes.map { ($0.description, $0.schedules) })
}

@Suite struct SimExplorerTests {
    @Test func counterTwoThreadsOneIncrementEach() throws {
        let e = try explore("counter")
        expectEqual(table(e), ["x=1": 18, "x=2": 2])
        expectEqual(e.totalSchedules, 20)
        let lost = try #require(e.outcomes.first { $0.description == "x=1" })
        #expect(lost.violates)
        expectEqual(lost.witness, [0, 0, 1, 0, 1, 1])
        let kept = try #require(e.outcomes.first { $0.description == "x=2" })
        #expect(!kept.violates)
        expectEqual(kept.witness, [0, 0, 0, 1, 1, 1])
    }

    @Test(arguments: ["mutex", "atomic"])
    func counterFixesHaveOneOutcome(_ sync: String) throws {
        let e = try explore("counter", sync: sync, threads: 3, increments: 2)
        expectEqual(e.outcomes.map(\.description), ["x=6"])
        #expect(e.outcomes.allSatisfy { !$0.violates })
    }

    @Test func counterMutexAllowsOnlySerialSchedules() throws {
        // Whoever locks first runs to its unlock: t1-then-t2 or t2-then-t1.
        expectEqual(table(try explore("counter", sync: "mutex")), ["x=2": 2])
        expectEqual(table(try explore("counter", sync: "atomic")), ["x=2": 2])
    }

    @Test func counterThreeThreadsThreeIncrementsCountsEveryInterleaving() throws {
        let e = try explore("counter", threads: 3, increments: 3)
        // 27! / (9! 9! 9!) interleavings of three 9-instruction threads.
        expectEqual(e.totalSchedules, 227_873_431_500)
        expectEqual(Set(e.outcomes.map(\.description)), Set((2...9).map { "x=\($0)" }))
        expectEqual(e.outcomes.filter { !$0.violates }.map(\.description), ["x=9"])
        #expect(!e.saturated)
    }

    @Test func checkThenAct() throws {
        let e = try explore("check-then-act")
        #expect(table(e) == [
            "balance=20 t1.paid=80 t2.paid=80": 700,
            "balance=-60 t1.paid=80 t2.paid=80": 210,
            "balance=20 t1.paid=80 t2.paid=0": 3,
            "balance=20 t1.paid=0 t2.paid=80": 3,
        ])
        #expect(Set(e.outcomes.filter(\.violates).map(\.description))
            == ["balance=20 t1.paid=80 t2.paid=80", "balance=-60 t1.paid=80 t2.paid=80"])
        let fixed = try explore("check-then-act", sync: "mutex")
        expectEqual(Set(fixed.outcomes.map(\.description)), ["balance=20 t1.paid=80 t2.paid=0", "balance=20 t1.paid=0 t2.paid=80"])
        #expect(fixed.outcomes.allSatisfy { !$0.violates })
    }

    @Test func lockOrderDeadlocksAndTheOrderFixesIt() throws {
        let e = try explore("lock-order")
        let cycle = "deadlock: t1 holds L1 and waits for L2; t2 holds L2 and waits for L1"
        expectEqual(table(e), ["x=2": 4, cycle: 2])
        let deadlock = try #require(e.outcomes.first { $0.deadlock })
        #expect(deadlock.violates)
        expectEqual(deadlock.witness, [0, 1])
        let ordered = try explore("lock-order", sync: "ordered")
        expectEqual(table(ordered), ["x=2": 2])
        #expect(ordered.outcomes.allSatisfy { !$0.deadlock && !$0.violates })
    }

    @Test func refcountWithoutAtomicsFreesTooEarlyOrLeaks() throws {
        let e = try explore("refcount")
        let outcomes = table(e)
        #expect(outcomes["refs=1"] != nil)
        #expect(outcomes["refs=0 obj freed by t1"] != nil)
        #expect(outcomes["refs=0 obj freed by t2"] != nil)
        #expect(outcomes["refs=2"] != nil)
        expectEqual(e.outcomes.filter { !$0.violates }.map(\.description), ["refs=1"])
        expectEqual(table(try explore("refcount", sync: "atomic")), ["refs=1": 20])
    }

    @Test func refcountWithThreeThreadsCanUseAfterFree() throws {
        let e = try explore("refcount", threads: 3)
        #expect(e.outcomes.contains { $0.description.contains("used obj after free") && $0.violates })
    }

    @Test(arguments: [("counter", "none"), ("counter", "mutex"), ("check-then-act", "none"), ("check-then-act", "mutex"),
                      ("lock-order", "none"), ("lock-order", "ordered"), ("refcount", "none"), ("refcount", "atomic")])
    func explorerAgreesWithBruteForce(_ name: String, _ sync: String) throws {
        let scenario = try SimScenarios.make(name, sync: sync)
        let e = try SimExplorer.explore(scenario)
        expectEqual(table(e), bruteForce(scenario))
        expectEqual(e.totalSchedules, bruteForce(scenario).values.reduce(0, +))
    }

    @Test func witnessesReachTheirOutcomes() throws {
        for name in SimScenarios.names {
            for sync in SimScenarios.variants[name] ?? [] {
                let scenario = try SimScenarios.make(name, sync: sync)
                for outcome in try SimExplorer.explore(scenario).outcomes {
                    var state = scenario.initialState
                    for thread in outcome.witness {
                        expectEqual(scenario.refusal(thread, in: state), nil)
                        scenario.step(thread, &state)
                    }
                    #expect(scenario.runnable(state).isEmpty)
                    expectEqual(scenario.describe(state), outcome.description)
                }
            }
        }
    }

    @Test func programsOnlyJumpForward() throws {
        for name in SimScenarios.names {
            for sync in SimScenarios.variants[name] ?? [] {
                let scenario = try SimScenarios.make(name, sync: sync, threads: name == "lock-order" ? 2 : 3)
                for program in scenario.programs {
                    for (pc, instruction) in program.enumerated() {
                        if case .branch(_, _, _, let target) = instruction.op {
                            #expect(target > pc && target <= program.count, "\(name) \(sync) pc \(pc)")
                        }
                    }
                }
            }
        }
    }

    @Test func tooLargeIsReported() throws {
        let scenario = try SimScenarios.make("counter", threads: 3, increments: 3)
        #expect(throws: SimExplorer.TooLarge.self) { try SimExplorer.explore(scenario, stateCap: 100) }
    }

    @Test(arguments: [
        ("counter", "ordered", nil, nil, "counter has --sync none, mutex, atomic; not 'ordered'"),
        ("lock-order", "none", 3, nil, "lock-order has exactly 2 threads"),
        ("counter", "none", 4, nil, "--threads must be 2 or 3 (every interleaving is explored), got 4"),
        ("refcount", "none", nil, 2, "--increments applies to the counter scenario only"),
        ("count", "none", nil, nil, "unknown scenario 'count'; scenarios: counter, check-then-act, lock-order, refcount. Did you mean 'counter'?"),
    ] as [(String, String, Int?, Int?, String)])
    func badScenarios(_ name: String, _ sync: String, _ threads: Int?, _ increments: Int?, _ message: String) {
        #expect(errorText { _ = try SimScenarios.make(name, sync: sync, threads: threads, increments: increments) } == message)
    }
}

@Suite struct SimCommandTests {
    @Test func stepperShowsTheLostUpdate() {
        let session = Session()
        #expect(session.execute("sim load counter").succeeded)
        let run = session.execute("sim run t1 t2 t1 t2 t1 t2")
        #expect(run.succeeded)
        let fields = run.result.fields
        expectEqual(fields["x"], .int(1))
        expectEqual(fields["finished"], .bool(true))
        expectEqual(fields["violates"], .bool(true))
        expectEqual(fields["outcome"], .string("x=1"))
        expectEqual(fields["schedule"], .string("t1 t2 t1 t2 t1 t2"))
        expectEqual(session.execute("sim reset").result.fields["steps"], .int(0))
        let serial = session.execute("sim run 1 1 1 2 2 2")
        expectEqual(serial.result.fields["x"], .int(2))
        expectEqual(serial.result.fields["violates"], .bool(false))
    }

    @Test func stepShowsNextInstructionAndLocals() throws {
        let session = Session()
        _ = session.execute("sim load counter")
        let step = session.execute("sim step t1 2")
        #expect(step.succeeded)
        guard case .table(let table) = step.result else { Issue.record("not a table"); return }
        expectEqual(table.record(at: 0)["next"], .string("store x, r"))
        expectEqual(table.record(at: 0)["locals"], .record(Record([("r", .int(1))])))
        expectEqual(table.record(at: 1)["next"], .string("load r, x"))
        expectEqual(step.result.fields["x"], .int(0))
        expectEqual(step.result.fields["outcome"], .null)
    }

    @Test func blockedStepRunsNothing() {
        let session = Session()
        _ = session.execute("sim load lock-order")
        let outcome = session.execute("sim run t1 t2 t1")
        expectEqual(outcome.failure?.message, "step 3 of 3: t1 is blocked: it waits for L2, held by t2; nothing was run")
        expectEqual(session.execute("sim show").result.fields["steps"], .int(0))
        let deadlock = session.execute("sim run t1 t2")
        expectEqual(deadlock.result.fields["deadlock"], .bool(true))
        expectEqual(deadlock.result.fields["outcome"], .string("deadlock: t1 holds L1 and waits for L2; t2 holds L2 and waits for L1"))
        expectEqual(deadlock.result.fields["owner_L1"], .string("t1"))
    }

    @Test func exploreTable() {
        let session = Session()
        _ = session.execute("sim load lock-order")
        let fields = session.execute("sim explore").result.fields
        expectEqual(fields["count"], .int(2))
        expectEqual(fields["total_schedules"], .int(6))
        expectEqual(fields["deadlocked_schedules"], .int(2))
        expectEqual(fields["violating_outcomes"], .int(1))
        let filtered = session.execute("sim explore | where violates")
        expectEqual(filtered.result.fields["count"], .int(1))
    }

    @Test func needsAScenario() {
        let outcome = Session().execute("sim explore")
        expectEqual(outcome.failure?.message.hasPrefix("No scenario loaded. Run 'sim load counter'"), true)
        #expect(Session().execute("sim step t9").failure != nil)
    }

    @Test func unknownThreadIsAUsageError() {
        let session = Session()
        _ = session.execute("sim load counter")
        let outcome = session.execute("sim step t3")
        expectEqual(outcome.failure?.kind, .usage)
        expectEqual(outcome.failure?.message, "no simulated thread 't3': this scenario has t1 t2")
    }
}
