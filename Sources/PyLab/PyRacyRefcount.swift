import Synchronization
import LabCore

/// RACY ON PURPOSE. This file is the one place where conclab updates reference counts the way CPython does
/// under its GIL: read the count, add or subtract one, write it back — three steps, not one atomic
/// instruction. With the GIL on only one thread runs snippet code, so nothing interleaves and the counts are
/// exact. With `gil off` and `refcount plain`, two threads updating the same object's count interleave
/// between the read and the write and one update is lost: that is the bug the GIL exists to prevent, and
/// what `gil off` lets a learner see.
///
/// The read and the write are each a relaxed atomic access, so the lost update is real (the hardware
/// interleaves them exactly like `ob_refcnt++` in C) while the Swift program stays free of undefined
/// behaviour: no torn values, nothing the optimiser may assume away, nothing ThreadSanitizer flags. What the
/// lost updates do to the snippet's objects — freed while still referenced, or never freed — is caught and
/// reported by the checked heap (see `Heap.swift`), which poisons freed objects instead of reusing them.
package enum RacyRefcount {
    /// `count += 1` without atomicity.
    @inline(__always)
    package static func increment(_ count: borrowing Atomic<Int>) {
        let value = count.load(ordering: .relaxed)
        count.store(value &+ 1, ordering: .relaxed)
    }

    /// `count -= 1` without atomicity; returns the value written.
    @inline(__always)
    package static func decrement(_ count: borrowing Atomic<Int>) -> Int {
        let value = count.load(ordering: .relaxed) &- 1
        count.store(value, ordering: .relaxed)
        return value
    }
}
