@preconcurrency import Glibc

/// Monotonic time and resource usage: the raw material of `time`, `bench` and every measured result.
public enum Clock {
    /// Nanoseconds on CLOCK_MONOTONIC.
    public static func monotonicNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// Nanoseconds since the Unix epoch on CLOCK_REALTIME (Python's `time.time_ns()`).
    public static func realtimeNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// CPU time the whole process has used, in nanoseconds (Python's `time.process_time_ns()`).
    public static func processCPUNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// The local time zone at `epochSeconds` (localtime_r): seconds east of UTC, whether daylight saving time is in
    /// force, and the zone's abbreviation (Python's `tm_gmtoff`, `tm_isdst`, `tm_zone`).
    public static func localZone(atEpochSeconds epochSeconds: Int) -> (offset: Int, isDST: Bool, name: String) {
        var t = time_t(epochSeconds)
        var parts = tm()
        guard localtime_r(&t, &parts) != nil else { return (0, false, "UTC") }
        let name = parts.tm_zone.map { String(cString: $0) } ?? ""
        return (Int(parts.tm_gmtoff), parts.tm_isdst > 0, name)
    }

    /// CPU time this thread has used, in nanoseconds.
    public static func threadCPUNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}

/// A snapshot of getrusage: CPU times in nanoseconds and context-switch counts.
public struct ResourceUsage: Sendable, Equatable {
    public var userNanoseconds: Int64
    public var systemNanoseconds: Int64
    public var voluntarySwitches: Int64
    public var involuntarySwitches: Int64
    public var maxRSSBytes: Int64

    public init(userNanoseconds: Int64 = 0, systemNanoseconds: Int64 = 0, voluntarySwitches: Int64 = 0,
                involuntarySwitches: Int64 = 0, maxRSSBytes: Int64 = 0) {
        self.userNanoseconds = userNanoseconds
        self.systemNanoseconds = systemNanoseconds
        self.voluntarySwitches = voluntarySwitches
        self.involuntarySwitches = involuntarySwitches
        self.maxRSSBytes = maxRSSBytes
    }

    public enum Who: Sendable { case process, children, thread }

    public static func current(_ who: Who) -> ResourceUsage {
        var usage = rusage()
        switch who {
        case .process: getrusage(RUSAGE_SELF.rawValue, &usage)
        case .children: getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        case .thread: getrusage(1, &usage) // RUSAGE_THREAD
        }
        func ns(_ tv: timeval) -> Int64 { Int64(tv.tv_sec) * 1_000_000_000 + Int64(tv.tv_usec) * 1_000 }
        return ResourceUsage(
            userNanoseconds: ns(usage.ru_utime), systemNanoseconds: ns(usage.ru_stime),
            voluntarySwitches: Int64(usage.ru_nvcsw), involuntarySwitches: Int64(usage.ru_nivcsw),
            maxRSSBytes: Int64(usage.ru_maxrss) * 1024)
    }

    /// Process plus reaped children.
    public static func processAndChildren() -> ResourceUsage {
        current(.process) + current(.children)
    }

    public static func + (a: ResourceUsage, b: ResourceUsage) -> ResourceUsage {
        ResourceUsage(userNanoseconds: a.userNanoseconds + b.userNanoseconds,
                      systemNanoseconds: a.systemNanoseconds + b.systemNanoseconds,
                      voluntarySwitches: a.voluntarySwitches + b.voluntarySwitches,
                      involuntarySwitches: a.involuntarySwitches + b.involuntarySwitches,
                      maxRSSBytes: max(a.maxRSSBytes, b.maxRSSBytes))
    }

    public static func - (a: ResourceUsage, b: ResourceUsage) -> ResourceUsage {
        ResourceUsage(userNanoseconds: a.userNanoseconds - b.userNanoseconds,
                      systemNanoseconds: a.systemNanoseconds - b.systemNanoseconds,
                      voluntarySwitches: a.voluntarySwitches - b.voluntarySwitches,
                      involuntarySwitches: a.involuntarySwitches - b.involuntarySwitches,
                      maxRSSBytes: a.maxRSSBytes)
    }
}
