@preconcurrency import Glibc

extension ProcFS {
    /// `/proc/self/task/TID/stat` of one thread of this process: its state letter and CPU ticks.
    /// Nil once the thread has ended (the kernel removes its task directory).
    public static func threadStat(tid: Int32, root: String = defaultRoot) -> Stat? {
        (try? readFile(processDirectory(nil, root: root) + "/task/\(tid)/stat")).flatMap(parseStat)
    }

    /// The name of thread `tid` of `pid` (default: this process), as `ps -L` shows it (`/proc/PID/task/TID/comm`).
    public static func threadName(tid: Int32, pid: Int32? = nil, root: String = defaultRoot) -> String? {
        (try? readFile(processDirectory(pid, root: root) + "/task/\(tid)/comm")).map { $0.trimmed() }
    }

    /// Where thread `tid` of `pid` (default: this process) waits in the kernel (`/proc/PID/task/TID/wchan`:
    /// `hrtimer_nanosleep`, `futex_wait_queue` …); nil where /proc does not show it.
    public static func waitChannel(tid: Int32, pid: Int32? = nil, root: String = defaultRoot) -> String? {
        try? readFile(processDirectory(pid, root: root) + "/task/\(tid)/wchan")
    }

    /// The thread ids of `pid` (default: this process): the names of `/proc/PID/task`.
    public static func threadIDs(pid: Int32? = nil, root: String = defaultRoot) -> [Int32] {
        Files.list(processDirectory(pid, root: root) + "/task").compactMap { Int32($0.hasSuffix("/") ? String($0.dropLast()) : $0) }.sorted()
    }

    /// CPU ticks (user + system) as milliseconds.
    public static func milliseconds(ticks: Int64) -> Double {
        Double(ticks) * 1000 / Double(max(1, ticksPerSecond))
    }
}

/// A POSIX mutex (`pthread_mutex_t`), for comparing its cost with Synchronization's `Mutex`
/// and for code that must lock and unlock in different scopes.
public final class PThreadMutex: @unchecked Sendable {
    // The pthread mutex itself is the synchronisation; it lives at a stable address for its whole life.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    public init() { pthread_mutex_init(mutex, nil) }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    public func lock() { pthread_mutex_lock(mutex) }
    public func unlock() { pthread_mutex_unlock(mutex) }
}

extension System {
    /// Gives the CPU to another runnable thread (sched_yield).
    public static func yield() { sched_yield() }
}
