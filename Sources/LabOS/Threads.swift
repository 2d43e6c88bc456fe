@preconcurrency import Glibc
import CLabShim

/// A plain OS thread. Threads created here never receive SIGINT, SIGTERM or SIGHUP:
/// those belong to the main thread and the signal watcher.
public enum OSThread {
    private final class Box: @unchecked Sendable {
        // Written once before pthread_create, read once by the new thread.
        let name: String
        let body: @Sendable () -> Void
        init(name: String, body: @escaping @Sendable () -> Void) { self.name = name; self.body = body }
    }

    /// Starts a detached thread named `name` (at most 15 bytes show in `ps -L`).
    @discardableResult
    public static func detach(name: String, _ body: @escaping @Sendable () -> Void) throws(OSError) -> Bool {
        let box = Unmanaged.passRetained(Box(name: name, body: body))
        var old = sigset_t()
        conclab_block_signals_for_workers(&old)
        defer { conclab_restore_signals(&old) }
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var thread = pthread_t()
        let rc = pthread_create(&thread, &attributes, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            _ = conclab_set_thread_name(box.name)
            box.body()
            return nil
        }, box.toOpaque())
        if rc != 0 {
            box.release()
            throw OSError("pthread_create", errno: rc)
        }
        return true
    }

    public static func setCurrentName(_ name: String) { _ = conclab_set_thread_name(name) }
}

/// A mutex with a condition variable, for hand-offs where a thread must sleep until told.
/// (Synchronization's `Mutex` has no condition variable.)
public final class Gate<State: Sendable>: @unchecked Sendable {
    // `state` is only touched with `mutex` held; that is what makes this Sendable.
    private var state: State
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    public init(_ initial: State) {
        state = initial
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        condition.deallocate()
    }

    /// Changes the state and wakes every waiter.
    public func update<R>(_ body: (inout State) -> R) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_cond_broadcast(condition); pthread_mutex_unlock(mutex) }
        return body(&state)
    }

    /// Waits until `ready` returns a value, or `timeoutNanoseconds` pass (nil then).
    public func wait<R>(timeoutNanoseconds: Int64? = nil, until ready: (inout State) -> R?) -> R? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        let deadline = timeoutNanoseconds.map { Clock.monotonicNanoseconds() + $0 }
        while true {
            if let value = ready(&state) { return value }
            if let deadline {
                let now = Clock.monotonicNanoseconds()
                if now >= deadline { return nil }
                var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
                pthread_cond_timedwait(condition, mutex, &ts)
            } else {
                pthread_cond_wait(condition, mutex)
            }
        }
    }
}
