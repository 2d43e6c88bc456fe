import LabCore
import PyLab
/// Every interleaving of a scenario, counted exactly.
///
/// Enumerating schedules one by one is hopeless beyond toy sizes (3 threads of 9 instructions have
/// 227 billion interleavings), but most schedules pass through the same states: after `t1 t2` and after
/// `t2 t1` the machine is often identical. The explorer therefore walks the graph of *states*, and for each
/// state remembers, per final outcome, how many schedules lead from it to that outcome and the shortest one.
/// The numbers are the same as brute-force enumeration would give; only the work is shared.
package struct SimExploration: Sendable {
    package struct Outcome: Sendable, Equatable {
        package var description: String
        package var violates: Bool
        /// How many complete schedules end here.
        package var schedules: Int
        /// One shortest schedule reaching it (thread indices), the lexicographically first among the shortest.
        package var witness: [Int]
        package var deadlock: Bool
    }

    /// Outcomes, most schedules first.
    package var outcomes: [Outcome]
    package var totalSchedules: Int
    package var states: Int
    /// Some count passed Int.max and was held there.
    package var saturated: Bool
}

package enum SimExplorer {
    /// The default cap on distinct states.
    package static let stateCap = 2_000_000

    package struct TooLarge: Error, CustomStringConvertible {
        package var states: Int
        package var description: String {
            "stopped after \(states) distinct states without finishing: the scenario is too large to explore; use fewer threads or increments"
        }
    }

    private struct Partial {
        var count: Int
        var witness: [Int]
    }

    /// Explores every interleaving from `start`. `checkCancelled` is called every few thousand states.
    package static func explore(_ scenario: SimScenario, from start: SimState? = nil, stateCap: Int = stateCap,
                        checkCancelled: () throws -> Void = {}) throws -> SimExploration {
        var memo: [SimState: [Int: Partial]] = [:]
        var finals: [SimState] = []          // outcome id → a representative final state
        var finalIDs: [String: Int] = [:]    // description → outcome id
        var saturated = false

        func outcomeID(_ state: SimState) -> Int {
            let text = scenario.describe(state)
            if let id = finalIDs[text] { return id }
            finalIDs[text] = finals.count
            finals.append(state)
            return finals.count - 1
        }

        func visit(_ state: SimState) throws -> [Int: Partial] {
            if let known = memo[state] { return known }
            if memo.count >= stateCap { throw TooLarge(states: memo.count) }
            if memo.count % 4096 == 0 { try checkCancelled() }
            let runnable = scenario.runnable(state)
            var result: [Int: Partial] = [:]
            if runnable.isEmpty {
                result[outcomeID(state)] = Partial(count: 1, witness: [])
            } else {
                for thread in runnable {
                    var next = state
                    scenario.step(thread, &next)
                    for (id, partial) in try visit(next) {
                        let witness = [thread] + partial.witness
                        if var existing = result[id] {
                            let (sum, overflow) = existing.count.addingReportingOverflow(partial.count)
                            if overflow { saturated = true }
                            existing.count = overflow ? Int.max : sum
                            // Threads are tried in order, so on equal length the earlier witness is the lexicographically smaller.
                            if witness.count < existing.witness.count { existing.witness = witness }
                            result[id] = existing
                        } else {
                            result[id] = Partial(count: partial.count, witness: witness)
                        }
                    }
                }
            }
            memo[state] = result
            return result
        }

        let root = try visit(start ?? scenario.initialState)
        var outcomes = root.map { id, partial -> SimExploration.Outcome in
            let state = finals[id]
            return .init(description: scenario.describe(state), violates: !scenario.invariantHolds(state),
                         schedules: partial.count, witness: partial.witness, deadlock: scenario.isDeadlocked(state))
        }
        outcomes.sort { $0.schedules != $1.schedules ? $0.schedules > $1.schedules : $0.description < $1.description }
        var total = 0
        for o in outcomes {
            let (sum, overflow) = total.addingReportingOverflow(o.schedules)
            if overflow { saturated = true }
            total = overflow ? Int.max : sum
        }
        return SimExploration(outcomes: outcomes, totalSchedules: total, states: memo.count, saturated: saturated)
    }
}
