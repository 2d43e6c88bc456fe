@preconcurrency import Glibc
import CLabShim

/// The CPUs this process may use, which can be fewer than the machine has: `taskset` and cpusets narrow the
/// affinity mask, and a cgroup's CPU quota (`cpu.max`) caps the CPU time it may take per period. A lab step that
/// needs two cores, and `par compare`'s figures, go by this, not by the CPUs online: under `taskset -c 0` two
/// threads cannot run at the same moment however many CPUs the machine has.
public struct CPUAllowance: Sendable, Equatable {
    /// CPUs online (sysconf).
    public var online: Int
    /// The CPU numbers the affinity mask allows, in order.
    public var allowed: [Int]
    /// The cgroup v2 quota in CPUs (quota / period of `cpu.max`, the lowest from this process's cgroup up to the
    /// root); nil when there is none.
    public var quota: Double?

    public init(online: Int, allowed: [Int], quota: Double?) {
        self.online = online
        self.allowed = allowed
        self.quota = quota
    }

    /// How many cores this process can keep busy at once: the CPUs it may run on, fewer when the quota is lower
    /// (a quota of 1.5 CPUs cannot keep two busy: rounded down), at least 1.
    public var cores: Int {
        var n = max(1, allowed.count)
        if let quota { n = min(n, max(1, Int((quota + 0.001).rounded(.down)))) }
        return n
    }

    /// What holds `cores` below the CPUs online, in words ("the affinity mask allows CPU 0 only"); nil when
    /// nothing does.
    public var limit: String? {
        var parts: [String] = []
        if allowed.count < online {
            let list = allowed.map(String.init).joined(separator: ", ")
            parts.append("the affinity mask allows CPU\(allowed.count == 1 ? "" : "s") \(list) only")
        }
        if let quota, Int((quota + 0.001).rounded(.down)) < max(1, allowed.count) {
            let shown = (quota * 100).rounded() / 100
            parts.append("the cgroup CPU quota allows \(shown == shown.rounded() ? String(Int(shown)) : String(shown)) CPUs")
        }
        return parts.isEmpty ? nil : parts.joined(separator: " and ")
    }

    /// The CPU numbers whose bits are set in an affinity mask (little-endian bytes, CPU 0 in the lowest bit).
    public static func cpuNumbers(mask: [UInt8]) -> [Int] {
        var numbers: [Int] = []
        for (index, byte) in mask.enumerated() where byte != 0 {
            for bit in 0..<8 where byte & (1 << bit) != 0 { numbers.append(index * 8 + bit) }
        }
        return numbers
    }

    /// The affinity mask of this process (sched_getaffinity), or nil when the kernel would not say.
    public static func affinity() -> [Int]? {
        var size = 128
        while size <= 1 << 16 {
            var mask = [UInt8](repeating: 0, count: size)
            let rc = valueOrErrno { mask.withUnsafeMutableBufferPointer { conclab_sched_getaffinity($0.baseAddress!, size) } }
            switch rc {
            case .success: return cpuNumbers(mask: mask)
            case .failure(let code) where code == .invalidArgument: size *= 2   // more CPUs than the mask holds
            case .failure: return nil
            }
        }
        return nil
    }

    /// Now, for this process. `procRoot` and `cgroupRoot` let tests point the cgroup reading at a fixture tree.
    public static func current(procRoot: String = ProcFS.defaultRoot, cgroupRoot: String = ProcFS.cgroupRoot) -> CPUAllowance {
        let online = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let allowed = affinity().flatMap { $0.isEmpty ? nil : $0 } ?? Array(0..<online)
        return CPUAllowance(online: online, allowed: allowed, quota: ProcFS.cgroupCPUQuota(procRoot: procRoot, cgroupRoot: cgroupRoot))
    }
}

extension ProcFS {
    /// Where the unified (v2) cgroup hierarchy is mounted.
    public static let cgroupRoot = "/sys/fs/cgroup"

    /// The cgroup v2 path of a process from `/proc/PID/cgroup` (its `0::PATH` line); nil without one.
    public static func parseUnifiedCgroup(_ text: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix("0::") {
            let path = String(line.dropFirst(3))
            return path.hasPrefix("/") ? path : nil
        }
        return nil
    }

    /// `cpu.max` ("QUOTA PERIOD", or "max PERIOD" for none) → CPUs' worth of time per period; nil for none or a
    /// line that says nothing usable.
    public static func parseCPUMax(_ text: String) -> Double? {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
        guard fields.count == 2, fields[0] != "max", let quota = Double(fields[0]), let period = Double(fields[1]),
              quota > 0, period > 0 else { return nil }
        return quota / period
    }

    /// The tightest cgroup v2 CPU quota on the way from this process's cgroup up to the hierarchy's root; nil when
    /// none is set (or cgroup v2 is not there).
    public static func cgroupCPUQuota(procRoot: String = defaultRoot, cgroupRoot: String = cgroupRoot) -> Double? {
        guard let text = try? readFile(processDirectory(nil, root: procRoot) + "/cgroup"),
              let path = parseUnifiedCgroup(text) else { return nil }
        var components = path.split(separator: "/").map(String.init).filter { $0 != "." && $0 != ".." }
        var tightest: Double?
        while true {
            let suffix: String = components.isEmpty ? "" : "/" + components.joined(separator: "/")
            let directory = cgroupRoot + suffix
            if let quota = (try? readFile(directory + "/cpu.max")).flatMap(parseCPUMax) {
                tightest = min(tightest ?? quota, quota)
            }
            if components.isEmpty { break }
            components.removeLast()
        }
        return tightest
    }
}

extension System {
    /// The CPUs this process may use now (affinity mask and cgroup quota); see `CPUAllowance`.
    public static var usableCPUs: CPUAllowance { CPUAllowance.current() }
}
