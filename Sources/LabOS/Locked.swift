import Synchronization

/// A `Mutex` that ThreadSanitizer can see through: conclab's lock for shared state.
///
/// Swift's `Mutex` on Linux waits on a futex, which ThreadSanitizer does not model, so it reports every
/// value guarded by one and touched by two threads as a race ("Swift access race"), though the lock orders
/// the accesses. Inside the lock this adds a release/acquire pair on an atomic it does model, which states
/// the ordering the mutex already guarantees: a few nanoseconds, and a clean ThreadSanitizer run.
public struct Locked<Value: ~Copyable>: ~Copyable {
    // Usable from inline code, so a caller in another module gets `withLock` specialized for its value type: left
    // generic, every call looked up the type's metadata at run time (a fifth of a list append's time in PyLab).
    @usableFromInline let mutex: Mutex<Value>
    @usableFromInline let order = Atomic<Int>(0)

    public init(_ value: consuming sending Value) { mutex = Mutex(value) }

    @inlinable
    public borrowing func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        try mutex.withLock { (value: inout sending Value) throws(E) -> sending Result in
            _ = order.load(ordering: .acquiring)
            defer { order.add(1, ordering: .releasing) }
            return try body(&value)
        }
    }
}

extension Locked: @unchecked Sendable where Value: ~Copyable {}

/// The interpreter's lock for one object's contents (a list's items, a dict's table, an instance's attributes): a
/// spin lock on one atomic word, for critical sections a few instructions long that two threads rarely want at once.
///
/// It exists for speed. Taking `Locked` costs three locked instructions and two thread-id lookups (`Mutex` compares
/// and swaps the owner's thread id on the way in and out, and `Locked` adds its ordering atomic); reading `bi[0]` in
/// the n-body bench spent a third of its time there. This costs one compare-and-swap in and a plain release store
/// out. ThreadSanitizer sees the acquire and the release, so it needs no extra atomic. A waiter spins a little,
/// then yields its CPU, so on a single CPU the holder gets to run and let go.
///
/// Not reentrant: taking it again inside its own body never returns (`Locked` traps there). The value lives in
/// memory of its own, allocated once, so the lock can hand out `inout` access from a `borrowing` method.
public struct SpinLocked<Value>: ~Copyable {
    @usableFromInline let word = Atomic<UInt32>(0)
    @usableFromInline let cell: UnsafeMutablePointer<Value>

    public init(_ value: consuming Value) {
        cell = .allocate(capacity: 1)
        cell.initialize(to: value)
    }

    deinit {
        cell.deinitialize(count: 1)
        cell.deallocate()
    }

    @inlinable @inline(__always)
    public borrowing func withLock<Result, E: Error>(_ body: (inout Value) throws(E) -> Result) throws(E) -> Result {
        if !word.compareExchange(expected: 0, desired: 1, successOrdering: .acquiring, failureOrdering: .relaxed).exchanged {
            waitForLock()
        }
        defer { word.store(0, ordering: .releasing) }
        return try body(&cell.pointee)
    }

    /// `body` on the value, taking the lock only when `alone` is false. A caller passes true when no other thread
    /// can touch the value meanwhile (conclab's interpreter holds the GIL); the lock's own ordering is then not needed.
    @inlinable @inline(__always)
    public borrowing func withLock<Result, E: Error>(alone: Bool, _ body: (inout Value) throws(E) -> Result) throws(E) -> Result {
        if alone { return try body(&cell.pointee) }
        return try withLock(body)
    }

    /// Contended: spin while the holder is likely still running, then give the CPU away between tries.
    @usableFromInline @inline(never)
    borrowing func waitForLock() {
        var tries = 0
        while true {
            if word.load(ordering: .relaxed) == 0,
               word.compareExchange(expected: 0, desired: 1, successOrdering: .acquiring, failureOrdering: .relaxed).exchanged {
                return
            }
            tries += 1
            if tries > 100 { System.yield() }
        }
    }
}

extension SpinLocked: @unchecked Sendable {}
