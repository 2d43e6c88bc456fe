import LabCore
import PyLab
/// The deterministic stepper: races made exact.
///
/// A scenario is a few threads, each a short list of instructions at the level where races happen
/// (`load r, x` / `add r, 1` / `store x, r` is what `x += 1` compiles to), over shared variables, locks and
/// reference-counted objects. Nothing runs by itself: the learner (`sim step`, `sim run`) or the explorer
/// (`sim explore`) chooses which thread executes its next instruction, so every interleaving, including the
/// one-in-a-million schedule that loses an update, can be produced on demand and replayed.

/// How a branch compares a local with a constant.
package enum SimComparison: String, Sendable, Hashable {
    case less = "<", lessOrEqual = "<=", equal = "==", notEqual = "!=", greaterOrEqual = ">=", greater = ">"

    package func holds(_ a: Int, _ b: Int) -> Bool {
        switch self {
        case .less: return a < b
        case .lessOrEqual: return a <= b
        case .equal: return a == b
        case .notEqual: return a != b
        case .greaterOrEqual: return a >= b
        case .greater: return a > b
        }
    }
}

/// One instruction, over slot numbers (shared variables, the thread's locals, locks, objects).
package enum SimOp: Sendable, Hashable {
    case load(local: Int, shared: Int)
    case store(shared: Int, local: Int)
    case add(local: Int, value: Int)
    case set(local: Int, value: Int)
    /// `if r OP k goto target`
    case branch(local: Int, comparison: SimComparison, value: Int, target: Int)
    case lock(Int)
    case unlock(Int)
    /// One indivisible read-modify-write of a shared variable (what an atomic instruction does).
    case atomicAdd(shared: Int, value: Int)
    /// Atomic reference-count increment.
    case incref(shared: Int)
    /// Atomic reference-count decrement that frees the object when the count reaches zero, in the same step.
    case decref(shared: Int, object: Int)
    /// Reads the object: after it was freed, that is a use after free.
    case use(object: Int)
    case free(object: Int)
}

package struct SimInstruction: Sendable, Hashable {
    package var op: SimOp
    /// As the learner reads it: `load r, x`.
    package var text: String
}

/// A scenario: its programs, its initial state and the invariant a correct run keeps.
package struct SimScenario: Sendable {
    package var name: String
    package var variant: String
    package var summary: String
    package var sharedNames: [String]
    package var initialShared: [Int]
    package var localNames: [String]
    package var lockNames: [String]
    package var objectNames: [String]
    package var programs: [[SimInstruction]]
    /// Locals shown in each outcome (`paid`), beside the shared variables.
    package var observedLocals: [String]
    /// A conclab expression over the final state (`x == 2`); false marks a violating outcome.
    package var invariant: String
    /// The invariant in words.
    package var invariantText: String

    package var threadCount: Int { programs.count }

    package static func threadName(_ index: Int) -> String { "t\(index + 1)" }

    package var initialState: SimState {
        SimState(pcs: Array(repeating: 0, count: threadCount),
                 locals: Array(repeating: Array(repeating: 0, count: localNames.count), count: threadCount),
                 shared: initialShared,
                 owners: Array(repeating: -1, count: lockNames.count),
                 freedBy: Array(repeating: -1, count: objectNames.count),
                 usedAfterFree: Array(repeating: -1, count: objectNames.count),
                 doubleFree: false)
    }
}

/// Everything that changes as threads step. Hashable: the explorer merges identical states.
package struct SimState: Sendable, Hashable {
    package var pcs: [Int]
    package var locals: [[Int]]
    package var shared: [Int]
    /// Per lock: the thread holding it, or -1.
    package var owners: [Int]
    /// Per object: the thread that freed it, or -1.
    package var freedBy: [Int]
    /// Per object: the first thread that used it after it was freed, or -1.
    package var usedAfterFree: [Int]
    package var doubleFree: Bool
}

/// Why a thread cannot take a step now.
package enum SimBlock: Sendable, Equatable {
    case finished
    /// Waits for `lock`, held by `holder` (itself, for a lock it already holds).
    case waiting(lock: Int, holder: Int)
}

/// What a thread's next step would be: its instruction and whether it can run.
extension SimScenario {
    package func block(_ thread: Int, in state: SimState) -> SimBlock? {
        let pc = state.pcs[thread]
        guard pc < programs[thread].count else { return .finished }
        if case .lock(let lock) = programs[thread][pc].op, state.owners[lock] >= 0 {
            return .waiting(lock: lock, holder: state.owners[lock])
        }
        return nil
    }

    package func runnable(_ state: SimState) -> [Int] {
        (0..<threadCount).filter { block($0, in: state) == nil }
    }

    package func isFinished(_ state: SimState) -> Bool {
        (0..<threadCount).allSatisfy { state.pcs[$0] >= programs[$0].count }
    }

    /// No thread can move but not all have finished.
    package func isDeadlocked(_ state: SimState) -> Bool {
        !isFinished(state) && runnable(state).isEmpty
    }

    /// Executes the next instruction of `thread`; the caller has checked it can run.
    package func step(_ thread: Int, _ state: inout SimState) {
        let pc = state.pcs[thread]
        guard pc < programs[thread].count else { return }
        var next = pc + 1
        switch programs[thread][pc].op {
        case .load(let local, let shared): state.locals[thread][local] = state.shared[shared]
        case .store(let shared, let local): state.shared[shared] = state.locals[thread][local]
        case .add(let local, let value): state.locals[thread][local] &+= value
        case .set(let local, let value): state.locals[thread][local] = value
        case .branch(let local, let comparison, let value, let target):
            if comparison.holds(state.locals[thread][local], value) { next = target }
        case .lock(let lock): state.owners[lock] = thread
        case .unlock(let lock): if state.owners[lock] == thread { state.owners[lock] = -1 }
        case .atomicAdd(let shared, let value): state.shared[shared] &+= value
        case .incref(let shared): state.shared[shared] &+= 1
        case .decref(let shared, let object):
            state.shared[shared] &-= 1
            if state.shared[shared] == 0 { free(object, by: thread, &state) }
        case .use(let object):
            if state.freedBy[object] >= 0 && state.usedAfterFree[object] < 0 { state.usedAfterFree[object] = thread }
        case .free(let object): free(object, by: thread, &state)
        }
        state.pcs[thread] = next
    }

    private func free(_ object: Int, by thread: Int, _ state: inout SimState) {
        if state.freedBy[object] >= 0 { state.doubleFree = true } else { state.freedBy[object] = thread }
    }

    /// The wait-for graph of a state: each thread waiting for a lock points at its holder.
    package func waitForGraph(_ state: SimState) -> WaitForGraph {
        var edges: [WaitForGraph.Edge] = []
        for thread in 0..<threadCount {
            if case .waiting(let lock, let holder) = block(thread, in: state) {
                edges.append(.init(waiter: Self.threadName(thread), lock: lockNames[lock], holder: Self.threadName(holder)))
            }
        }
        return WaitForGraph(edges: edges)
    }

    /// The state as fields: shared variables by name, each thread's locals as a record (`t1.paid`), lock owners,
    /// objects, and `deadlock`. The invariant and lab checks read these.
    package func fields(_ state: SimState) -> Record {
        var record = Record()
        for (i, name) in sharedNames.enumerated() { record.append(name, .int(state.shared[i])) }
        for thread in 0..<threadCount {
            record.append(Self.threadName(thread), .record(Record(localNames.enumerated().map { ($1, .int(state.locals[thread][$0])) })))
        }
        for (i, name) in lockNames.enumerated() {
            record.append("owner_" + name, state.owners[i] >= 0 ? .string(Self.threadName(state.owners[i])) : .null)
        }
        if !objectNames.isEmpty {
            record.append("freed", .bool(state.freedBy.contains { $0 >= 0 }))
            record.append("freed_by", state.freedBy.first { $0 >= 0 }.map { .string(Self.threadName($0)) } ?? .null)
            record.append("used_after_free", .bool(state.usedAfterFree.contains { $0 >= 0 }))
            record.append("double_free", .bool(state.doubleFree))
        }
        record.append("deadlock", .bool(isDeadlocked(state)))
        return record
    }

    /// Whether the invariant holds in `state` (a final or deadlocked state).
    package func invariantHolds(_ state: SimState) -> Bool {
        guard let expression = try? Expression(parsing: invariant) else { return false }
        return (try? Evaluator(record: fields(state)).isTrue(expression)) ?? false
    }

    /// A final state in words: `x=1`, `balance=-60 t1.paid=80 t2.paid=80`, `deadlock: t1 holds L1 and waits for L2; …`.
    package func describe(_ state: SimState) -> String {
        if isDeadlocked(state) {
            let cycle = waitForGraph(state).cycles.first?.description ?? "every thread waits"
            return "deadlock: " + cycle
        }
        var parts = sharedNames.enumerated().map { "\($1)=\(state.shared[$0])" }
        for local in observedLocals {
            guard let slot = localNames.firstIndex(of: local) else { continue }
            parts += (0..<threadCount).map { "\(Self.threadName($0)).\(local)=\(state.locals[$0][slot])" }
        }
        for (i, name) in objectNames.enumerated() {
            if state.freedBy[i] >= 0 { parts.append("\(name) freed by \(Self.threadName(state.freedBy[i]))") }
            if state.usedAfterFree[i] >= 0 { parts.append("\(Self.threadName(state.usedAfterFree[i])) used \(name) after free") }
        }
        if state.doubleFree { parts.append("double free") }
        return parts.joined(separator: " ")
    }

    /// Parses a thread name as the learner types it: `t2` or `2`.
    package func thread(named text: String) -> Int? {
        let digits = text.hasPrefix("t") || text.hasPrefix("T") ? String(text.dropFirst()) : text
        guard let n = Int(digits), n >= 1, n <= threadCount else { return nil }
        return n - 1
    }

    /// Why `thread` cannot step, in words; nil if it can.
    package func refusal(_ thread: Int, in state: SimState) -> String? {
        switch block(thread, in: state) {
        case nil: return nil
        case .finished: return "\(Self.threadName(thread)) has finished"
        case .waiting(let lock, let holder):
            if holder == thread { return "\(Self.threadName(thread)) waits for \(lockNames[lock]), which it holds itself" }
            return "\(Self.threadName(thread)) is blocked: it waits for \(lockNames[lock]), held by \(Self.threadName(holder))"
        }
    }
}
