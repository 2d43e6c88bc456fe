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

extension ProcFS {
    /// The system call process `pid` is blocked in, by name where conclab knows the number (`futex`, `read`,
    /// `wait4` …), else `syscall N`; nil when it runs in user space or /proc does not say.
    public static func systemCall(pid: Int32, root: String = defaultRoot) -> String? {
        (try? readFile(processDirectory(pid, root: root) + "/syscall")).flatMap { systemCallName(Array($0.utf8)) }
    }

    /// The name of the system call a `syscall` file's text starts with (see `systemCall`).
    public static func systemCallName<Bytes: Collection>(_ text: Bytes) -> String? where Bytes.Element == UInt8 {
        ThreadSampler.firstNumber(text).map { systemCallName(number: Int($0)) }
    }

    /// The name of system call `number` where conclab knows it, else `syscall N`.
    public static func systemCallName(number: Int) -> String { systemCallNames[number] ?? "syscall \(number)" }

    #if arch(x86_64)
    static let systemCallNames = [0: "read", 1: "write", 7: "poll", 23: "select", 35: "nanosleep", 43: "accept", 45: "recvfrom", 61: "wait4",
                                  202: "futex", 230: "clock_nanosleep", 232: "epoll_wait", 270: "pselect6", 271: "ppoll", 281: "epoll_pwait"]
    #elseif arch(arm64)
    static let systemCallNames = [63: "read", 64: "write", 72: "pselect6", 73: "ppoll", 98: "futex", 101: "nanosleep", 115: "clock_nanosleep",
                                  202: "accept", 207: "recvfrom", 260: "wait4", 22: "epoll_pwait"]
    #else
    static let systemCallNames: [Int: String] = [:]
    #endif
}
