// ─────────────────────────────────────────────────────────────────────────────────────────────
//  THE RACY KERNEL. This file is racy ON PURPOSE, and it is the only racy code in conclab.
//
//  `race counter --sync none` must show lost updates for real, so several OS threads increment one
//  plain integer in memory with no synchronisation at all. Swift 6 rightly refuses to compile that,
//  so the counter hides behind an `@unchecked Sendable` class holding an `UnsafeMutablePointer`:
//  we tell the compiler "trust us", and then deliberately break that trust.
//
//  Why `@inline(never)`: with the increment inlined, the optimiser (in a release build) turns
//  `for _ in 0..<n { p.pointee += 1 }` into one load, one add of n and one store, and the race almost
//  vanishes (each thread then loses all or nothing). A call it cannot see into forces a real
//  load → add → store per iteration, which is exactly the window in which another core's store is
//  overwritten: the lost update `x += 1` suffers in any language without a lock.
//
//  Nothing else may use this file's types for shared state. Every other counter in conclab
//  (mutex, atomic, local) is race-free.
// ─────────────────────────────────────────────────────────────────────────────────────────────

/// One integer that several threads read and write without synchronisation. Racy on purpose.
package final class RacyCell: @unchecked Sendable {
    // Unsynchronised shared memory: the point of the exercise. Read `value` only after every writer has ended.
    private let pointer: UnsafeMutablePointer<Int>

    package init() {
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: 0)
    }

    deinit { pointer.deallocate() }

    /// The final count; meaningful once the writing threads have ended.
    package var value: Int { pointer.pointee }

    /// Adds 1 `iterations` times with no lock. `stop` is checked every 64 Ki increments.
    package func incrementRacily(_ iterations: Int, stop: StopFlag) {
        var left = iterations
        while left > 0 {
            if stop.isStopped { return }
            let chunk = min(left, 65_536)
            for _ in 0..<chunk { RacyCell.increment(pointer) }
            left -= chunk
        }
    }

    /// One unsynchronised read-modify-write: load, add 1, store. Never inlined, so the load and the
    /// store stay separate instructions in every build (see the comment at the top of the file).
    @inline(never)
    package static func increment(_ p: UnsafeMutablePointer<Int>) {
        p.pointee &+= 1
    }
}
