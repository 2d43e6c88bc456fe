import LabOS
import Synchronization
import LabCore
import PyLab

/// Race conditions, measured: N real OS threads increment one shared counter K times each.
///
/// With no synchronisation (`none`, the racy kernel in RacyCounter.swift) increments are lost: two
/// threads load the same value and both store value + 1. The three fixes are race-free and always
/// exact: a mutex around each increment, an atomic read-modify-write instruction, or no sharing at all
/// (`local`: each thread counts privately and adds its total once at the end).
package enum CounterSync: String, Sendable, CaseIterable {
    case none, mutex, atomic, local

    package var explanation: String {
        switch self {
        case .none: return "no synchronisation: load, add, store can interleave"
        case .mutex: return "a mutex around each increment"
        case .atomic: return "one atomic read-modify-write instruction per increment"
        case .local: return "no sharing: each thread counts privately, then adds its total once"
        }
    }
}

/// The outcome of one trial.
package struct CounterTrial: Sendable, Equatable {
    package var expected: Int
    package var actual: Int
    package var nanoseconds: Int64
    package var lost: Int { expected - actual }

    package init(expected: Int, actual: Int, nanoseconds: Int64) {
        self.expected = expected
        self.actual = actual
        self.nanoseconds = nanoseconds
    }}

package enum SharedCounter {
    /// A count behind a pthread mutex. (Synchronization's `Mutex` is a priority-inheritance futex on Linux in
    /// this Swift release; with dozens of threads fighting over it every hand-off goes through the kernel and a
    /// run can take minutes. A plain pthread mutex is what CPython's `threading.Lock` is built on, too.)
    private final class LockedCount: @unchecked Sendable {
        // `count` is only read or written with `lock` held; that is what makes this Sendable.
        private let lock = PThreadMutex()
        private var count = 0

        func increment() {
            lock.lock()
            count &+= 1
            lock.unlock()
        }

        var value: Int {
            lock.lock()
            defer { lock.unlock() }
            return count
        }
    }

    private final class AtomicCount: Sendable {
        let value = Atomic<Int>(0)
    }

    /// Increments are done in chunks so a stop request is seen within about a millisecond.
    package static let chunk = 65_536

    /// One trial: `threads` threads, `iterations` increments each. Throws `Cancelled` when `isCancelled` says so.
    package static func trial(threads: Int, iterations: Int, sync: CounterSync, isCancelled: () -> Bool) throws -> CounterTrial {
        let stop = StopFlag()
        let expected = threads * iterations
        switch sync {
        case .none:
            let cell = RacyCell()
            let time = try ThreadTeam.run(threads, name: "conclab-race", stop: stop, isCancelled: isCancelled) { _ in
                cell.incrementRacily(iterations, stop: stop)
            }
            return CounterTrial(expected: expected, actual: cell.value, nanoseconds: time)
        case .mutex:
            let count = LockedCount()
            let time = try ThreadTeam.run(threads, name: "conclab-race", stop: stop, isCancelled: isCancelled) { _ in
                chunked(iterations, stop) { n in
                    for _ in 0..<n { count.increment() }
                }
            }
            return CounterTrial(expected: expected, actual: count.value, nanoseconds: time)
        case .atomic:
            let count = AtomicCount()
            let time = try ThreadTeam.run(threads, name: "conclab-race", stop: stop, isCancelled: isCancelled) { _ in
                chunked(iterations, stop) { n in
                    for _ in 0..<n { count.value.wrappingAdd(1, ordering: .relaxed) }
                }
            }
            return CounterTrial(expected: expected, actual: count.value.load(ordering: .relaxed), nanoseconds: time)
        case .local:
            let count = AtomicCount()
            let time = try ThreadTeam.run(threads, name: "conclab-race", stop: stop, isCancelled: isCancelled) { _ in
                var mine = 0
                chunked(iterations, stop) { n in
                    for _ in 0..<n { mine &+= 1 }
                }
                count.value.wrappingAdd(mine, ordering: .relaxed)
            }
            return CounterTrial(expected: expected, actual: count.value.load(ordering: .relaxed), nanoseconds: time)
        }
    }

    private static func chunked(_ iterations: Int, _ stop: StopFlag, _ body: (Int) -> Void) {
        var left = iterations
        while left > 0 && !stop.isStopped {
            let n = min(left, chunk)
            body(n)
            left -= n
        }
    }
}
