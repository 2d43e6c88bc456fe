import LabOS
import Synchronization

/// A stop flag several threads poll.
package final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    package init() {}
    package func stop() { flag.store(true, ordering: .relaxed) }
    package var isStopped: Bool { flag.load(ordering: .relaxed) }
}

/// Runs one body per fresh OS thread, all released at the same moment by a start barrier, and waits for
/// all of them: the harness of `race counter` and `lock bench`. (Without the barrier the first thread
/// could finish before the second starts, and nothing would overlap.)
package enum ThreadTeam {
    private final class Barrier: Sendable {
        let ready = Atomic<Int>(0)
        let go = Atomic<Bool>(false)
        let abandon = Atomic<Bool>(false)
        let releasedAt = Atomic<Int64>(0)
        let released = Gate(false)
        let finished = Gate((count: 0, lastEnd: Int64(0)))

        func release() {
            go.store(true, ordering: .releasing)
            released.update { $0 = true }
        }

        /// Spinning keeps a waiting thread on its core, so all start together; but only while there are cores
        /// for every thread, and for at most 20 ms. Otherwise (or after that) it sleeps until released.
        func awaitRelease(spin: Bool) {
            if spin {
                let patience = Clock.monotonicNanoseconds() + 20_000_000
                var spins = 0
                while !go.load(ordering: .acquiring) {
                    spins += 1
                    if spins % 1024 == 0 && Clock.monotonicNanoseconds() > patience { break }
                }
            }
            _ = released.wait { $0 ? true : nil }
        }
    }

    /// Runs `body(i)` for `i` in `0..<count` on `count` new threads named `name-i`; returns the nanoseconds from
    /// the release to the last thread's end. While waiting, `isCancelled` is polled; when it says yes, `stop` is
    /// raised (the bodies poll it), every thread is still waited for, and `Cancelled` is thrown.
    package static func run(_ count: Int, name: String, stop: StopFlag, isCancelled: () -> Bool,
                    _ body: @escaping @Sendable (Int) -> Void) throws -> Int64 {
        let barrier = Barrier()
        let spin = count <= System.usableCPUs.cores
        var started = 0
        var failure: (any Error)?
        for index in 0..<count {
            do {
                try OSThread.detach(name: "\(name)-\(index + 1)") {
                    // The last thread to arrive releases everyone: no thread (such as a waiting main thread) has
                    // to be scheduled first.
                    if barrier.ready.add(1, ordering: .acquiringAndReleasing).newValue == count {
                        barrier.releasedAt.store(Clock.monotonicNanoseconds(), ordering: .relaxed)
                        barrier.release()
                    }
                    barrier.awaitRelease(spin: spin)
                    if !barrier.abandon.load(ordering: .acquiring) { body(index) }
                    let end = Clock.monotonicNanoseconds()
                    barrier.finished.update { state in
                        state.count += 1
                        state.lastEnd = max(state.lastEnd, end)
                    }
                }
                started += 1
            } catch {
                failure = error
                break
            }
        }
        if failure != nil {
            barrier.abandon.store(true, ordering: .releasing)
            barrier.release()
        }
        var cancelled = false
        let lastEnd: Int64 = {
            while true {
                if !cancelled && isCancelled() {
                    cancelled = true
                    stop.stop()
                }
                let done = barrier.finished.wait(timeoutNanoseconds: 5_000_000) { state -> Int64? in
                    state.count == started ? state.lastEnd : nil
                }
                if let done { return done }
            }
        }()
        if let failure { throw CommandError("cannot start thread \(started + 1) of \(count): \(failure)") }
        if cancelled { throw Cancelled() }
        return max(0, lastEnd - barrier.releasedAt.load(ordering: .relaxed))
    }
}
