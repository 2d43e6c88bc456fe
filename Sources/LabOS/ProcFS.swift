@preconcurrency import Glibc

/// Readers of `/proc`, and the only code that knows its paths and letters. Parsing is pure (text in, values out)
/// so tests feed fixture text; readers take a root so tests can point them at a fixture tree.
public enum ProcFS {
    /// Where the kernel mounts procfs; every reader's default root.
    public static let defaultRoot = "/proc"

    /// `ROOT/PID` (`ROOT/self` without a pid): the directory of one process.
    static func processDirectory(_ pid: Int32?, root: String) -> String {
        root + "/" + (pid.map(String.init) ?? "self")
    }

    /// Reads a whole file to end of file (procfs files report size 0, so `stat` sizes are useless).
    public static func readFile(_ path: String) throws(OSError) -> String {
        let fd = FileDescriptor(try valueOrErrno("open", subject: path) { open(path, O_RDONLY | O_CLOEXEC) })
        defer { try? fd.close() }
        var bytes: [UInt8] = []
        while true {
            let chunk: [UInt8]
            do throws(OSError) { chunk = try fd.read(upTo: 8192) } catch { throw OSError("read", error.code, subject: path) }
            if chunk.isEmpty { break }
            bytes += chunk
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `Key:   value kB` lines of /proc/PID/status or smaps_rollup → bytes (kB values) or plain numbers.
    public static func parseKeyValues(_ text: String) -> [String: Int64] {
        var result: [String: Int64] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[..<colon])
            let fields = line[line.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let first = fields.first, let number = Int64(first) else { continue }
            let isKB = fields.count > 1 && fields[1] == "kB"
            result[key] = isKB ? number * 1024 : number
        }
        return result
    }

    /// Memory figures of a process.
    public struct Memory: Sendable, Equatable {
        public var rssBytes: Int64
        public var peakRSSBytes: Int64
        public var virtualBytes: Int64
        public var threads: Int64
        public var pssBytes: Int64?
    }

    /// The memory figures of `pid` (default: this process).
    public static func memory(pid: Int32? = nil, root: String = defaultRoot) throws(OSError) -> Memory {
        let base = processDirectory(pid, root: root)
        let status = parseKeyValues(try readFile(base + "/status"))
        let pss: Int64? = (try? readFile(base + "/smaps_rollup")).flatMap { parseKeyValues($0)["Pss"] }
        return Memory(rssBytes: status["VmRSS"] ?? 0, peakRSSBytes: status["VmHWM"] ?? 0,
                      virtualBytes: status["VmSize"] ?? 0, threads: status["Threads"] ?? 0, pssBytes: pss)
    }

    /// The fields of /proc/PID/stat that conclab shows.
    public struct Stat: Sendable, Equatable {
        public var pid: Int32
        public var command: String
        public var state: ProcessState
        public var parentPID: Int32
        public var processGroup: Int32
        public var userTicks: Int64
        public var systemTicks: Int64
        public var rssPages: Int64

        public init(pid: Int32, command: String, state: ProcessState, parentPID: Int32, processGroup: Int32 = 0,
                    userTicks: Int64 = 0, systemTicks: Int64 = 0, rssPages: Int64 = 0) {
            self.pid = pid
            self.command = command
            self.state = state
            self.parentPID = parentPID
            self.processGroup = processGroup
            self.userTicks = userTicks
            self.systemTicks = systemTicks
            self.rssPages = rssPages
        }
    }

    /// Parses /proc/PID/stat. The command sits in parentheses and may itself contain spaces and ')'.
    public static func parseStat(_ text: String) -> Stat? {
        guard let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")") else { return nil }
        guard let pid = Int32(text[..<open].trimmed(while: { $0 == " " })) else { return nil }
        let command = String(text[text.index(after: open)..<close])
        let rest = text[text.index(after: close)...].split(separator: " ")
        // rest[0] is field 3 (state), rest[2] field 5 (process group); utime is field 14, stime 15, rss 24.
        guard rest.count >= 22, let letter = rest[0].first else { return nil }
        return Stat(pid: pid, command: command, state: ProcessState(letter: letter), parentPID: Int32(rest[1]) ?? 0,
                    processGroup: Int32(rest[2]) ?? 0, userTicks: Int64(rest[11]) ?? 0, systemTicks: Int64(rest[12]) ?? 0,
                    rssPages: Int64(rest[21]) ?? 0)
    }

    /// `/proc/PID/stat`; nil once the process is gone (reaped).
    public static func stat(pid: Int32, root: String = defaultRoot) -> Stat? {
        (try? readFile(processDirectory(pid, root: root) + "/stat")).flatMap(parseStat)
    }

    /// The numbers of `/proc/PID/status` (default: this process), kB values in bytes (see `parseKeyValues`);
    /// nil once the process is gone.
    public static func status(pid: Int32? = nil, root: String = defaultRoot) -> [String: Int64]? {
        (try? readFile(processDirectory(pid, root: root) + "/status")).map(parseKeyValues)
    }

    /// A process's signal masks, from the `SigBlk`, `SigIgn` and `SigCgt` lines of `/proc/PID/status`.
    public struct SignalMasks: Sendable, Equatable {
        /// Blocked (the main thread's mask).
        public var blocked: Set<Int32>
        /// Ignored (SIG_IGN).
        public var ignored: Set<Int32>
        /// Caught by a handler.
        public var caught: Set<Int32>
    }

    /// Parses the signal mask lines of `/proc/PID/status` text: each is 64 bits in hex, bit N-1 for signal N.
    public static func parseSignalMasks(_ text: String) -> SignalMasks? {
        var masks: [String: Set<Int32>] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[..<colon])
            guard key == "SigBlk" || key == "SigIgn" || key == "SigCgt",
                  let bits = UInt64(line[line.index(after: colon)...].trimmed(), radix: 16) else { continue }
            masks[key] = Set((0..<64).filter { bits & (1 << UInt64($0)) != 0 }.map { Int32($0 + 1) })
        }
        guard let blocked = masks["SigBlk"], let ignored = masks["SigIgn"], let caught = masks["SigCgt"] else { return nil }
        return SignalMasks(blocked: blocked, ignored: ignored, caught: caught)
    }

    /// The signal masks of `pid` (default: this process); nil once it is gone.
    public static func signalMasks(pid: Int32? = nil, root: String = defaultRoot) -> SignalMasks? {
        (try? readFile(processDirectory(pid, root: root) + "/status")).flatMap(parseSignalMasks)
    }

    public static var ticksPerSecond: Int64 { Int64(sysconf(Int32(_SC_CLK_TCK))) }

    /// CPU time so far, of the whole machine or of some CPUs, from /proc/stat, in clock ticks: `busy` is every
    /// column but idle and iowait (and the guest columns, which user already counts).
    public struct MachineCPU: Sendable, Equatable {
        public var busyTicks: Int64
        public var totalTicks: Int64
        public init(busyTicks: Int64, totalTicks: Int64) {
            self.busyTicks = busyTicks
            self.totalTicks = totalTicks
        }
    }

    /// The `cpu` line of /proc/stat (all CPUs) or, given `cpus`, the sum of the `cpuN` lines of those CPUs (the
    /// ones this process may use); nil when a line is missing or malformed.
    public static func parseMachineCPU(_ text: String, cpus: Set<Int>? = nil) -> MachineCPU? {
        var sum = MachineCPU(busyTicks: 0, totalTicks: 0)
        var found = 0
        for line in text.split(separator: "\n") where line.hasPrefix("cpu") {
            let words = line.split(separator: " ")
            guard let name = words.first else { continue }
            if let cpus {
                guard let number = Int(name.dropFirst(3)), cpus.contains(number) else { continue }
            } else if name != "cpu" {
                continue
            }
            let numbers = words.dropFirst().compactMap { Int64($0) }
            guard numbers.count >= 4 else { return nil }
            // user nice system idle iowait irq softirq steal [guest guest_nice]
            let counted = Array(numbers.prefix(8))
            let total = counted.reduce(0, +)
            let idle = counted[3] + (counted.count > 4 ? counted[4] : 0)
            sum.busyTicks += total - idle
            sum.totalTicks += total
            found += 1
        }
        guard found == (cpus?.count ?? 1) else { return nil }
        return sum
    }

    public static func machineCPU(cpus: Set<Int>? = nil, root: String = defaultRoot) -> MachineCPU? {
        (try? readFile(root + "/stat")).flatMap { parseMachineCPU($0, cpus: cpus) }
    }

    /// Where the running program was started from: what `/proc/self/exe` links to.
    /// The CPU time process `pid` has run so far, all its threads together, from each thread's
    /// `/proc/PID/task/TID/schedstat` (nanoseconds on a CPU, exact, unlike the tick-counted times of `stat`).
    /// Waiting for a core is not in it. Nil once the process is gone.
    public static func onCPUNanoseconds(pid: Int32, root: String = defaultRoot) -> Int64? {
        let tasks = Files.list("\(root)/\(pid)/task")
        guard !tasks.isEmpty else { return nil }
        var total: Int64 = 0
        for task in tasks {
            let tid = task.hasSuffix("/") ? String(task.dropLast()) : task
            guard let text = try? readFile("\(root)/\(pid)/task/\(tid)/schedstat"),
                  let first = text.split(separator: " ").first, let value = Int64(first) else { continue }
            total += value
        }
        return total
    }

    public static func executablePath(root: String = defaultRoot) -> String? {
        readLink(processDirectory(nil, root: root) + "/exe")
    }
}

/// What `/proc/PID/stat` says a process (or thread) is doing, from its one-letter state.
public enum ProcessState: Sendable, Hashable, CustomStringConvertible {
    /// R: on a CPU or waiting for one.
    case running
    /// S: waiting for something (a read, a lock, a sleep), interruptible.
    case sleeping
    /// D: waiting for the disk (or another uninterruptible wait).
    case diskWait
    /// T or t: stopped by a signal (SIGSTOP) or a tracer.
    case stopped
    /// Z: ended, its exit status kept until its parent reaps it.
    case zombie
    /// X: being removed.
    case dead
    /// I: an idle kernel thread.
    case idle
    /// A letter not listed here.
    case other(Character)

    public init(letter: Character) {
        switch letter {
        case "R": self = .running
        case "S": self = .sleeping
        case "D": self = .diskWait
        case "T", "t": self = .stopped
        case "Z": self = .zombie
        case "X", "x": self = .dead
        case "I": self = .idle
        default: self = .other(letter)
        }
    }

    /// Ended: only its entry is left (a zombie), or not even that.
    public var hasEnded: Bool { self == .zombie || self == .dead }

    /// The word `proc list` and `thread list` show: `running`, `disk-wait`, `zombie` …
    public var description: String {
        switch self {
        case .running: return "running"
        case .sleeping: return "sleeping"
        case .diskWait: return "disk-wait"
        case .stopped: return "stopped"
        case .zombie: return "zombie"
        case .dead: return "dead"
        case .idle: return "idle"
        case .other(let letter): return String(letter)
        }
    }
}
