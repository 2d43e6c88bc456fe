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
