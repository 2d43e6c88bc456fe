// ─────────────────────────────────────────────────────────────────────────────────────────────
//  THE RACY KERNEL. This file is racy ON PURPOSE, and with its twin across processes,
//  CLabShim/racy_shared_counter.c (`shm count`), it is the only racy code in conclab.
//
//  `race counter --sync none` must show lost updates for real, so several OS threads increment one
//  integer in memory with no synchronisation at all: each increment reads the value, adds 1 and
//  writes it back, and another thread's write in between is overwritten.
//
//  The read and the write are two separate instructions on purpose, each a relaxed atomic access,
//  with a full fence between them. A plain `p.pointee += 1` compiles (in a release build) to one
//  `inc [mem]`: two cores still interleave its load and store, but a thread the scheduler stops is
//  never stopped inside one instruction, so on a busy machine, where the two threads take turns on
//  one core, nothing was lost (0 of 2 x 50 million, run after run under taskset -c 0). A separate
//  load and store, with nothing slow between them, fared no better: the optimiser fuses relaxed
//  accesses back into `inc [mem]`, and with a bare `inc rax` between them interrupts were never
//  taken there. The fence (`mfence` on x86) keeps them apart and is where an interrupt lands, so a
//  thread is stopped between its load and its store as `x += 1` can be in any language without a
//  lock, and its stale write later erases the other thread's work: 2 x 5 million on one CPU then
//  lost 2 to 5 million each run. It orders memory; it does not make the two accesses one step.
//  Relaxed atomics keep the Swift program free of undefined behaviour (no torn value, nothing the
//  optimiser may assume away) while the lost update stays real.
//
//  Why `@inline(never)`: with the increment inlined, the optimiser turns a loop of increments into
//  one load, one add of n and one store, and the race almost vanishes (each thread then loses all or
//  nothing). A call it cannot see into keeps one load and one store per iteration.
//
//  Nothing else may use this file's types for shared state. Every other counter in conclab
//  (mutex, atomic, local) is race-free.
// ─────────────────────────────────────────────────────────────────────────────────────────────

import Synchronization

/// One integer that several threads read and write without synchronisation. Racy on purpose.
package final class RacyCell: Sendable {
    // Updated by a load and a separate store, never as one step: the point of the exercise.
    private let count = Atomic<Int>(0)

    package init() {}

    /// The final count; meaningful once the writing threads have ended.
    package var value: Int { count.load(ordering: .relaxed) }

    /// Adds 1 `iterations` times with no lock. `stop` is checked every 64 Ki increments.
    package func incrementRacily(_ iterations: Int, stop: StopFlag) {
        var left = iterations
        while left > 0 {
            if stop.isStopped { return }
            let chunk = min(left, 65_536)
            for _ in 0..<chunk { RacyCell.increment(count) }
            left -= chunk
        }
    }

    /// One unsynchronised read-modify-write: load, add 1, store. Never inlined, and the load and the store are
    /// separate instructions in every build (see the comment at the top of the file).
    @inline(never)
    package static func increment(_ count: borrowing Atomic<Int>) {
        let value = count.load(ordering: .relaxed)
        // Keeps the load and the store apart (see the top of the file); it does not make them one step.
        atomicMemoryFence(ordering: .sequentiallyConsistent)
        count.store(value &+ 1, ordering: .relaxed)
    }
}
