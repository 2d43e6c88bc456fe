@preconcurrency import Glibc

/// Readers of `/proc`. Parsing is pure (text in, values out) so tests feed fixture text;
/// readers take a root so tests can point them at a fixture tree.
public enum ProcFS {
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

    public static func memory(pid: String = "self", root: String = "/proc") throws(OSError) -> Memory {
        let status = parseKeyValues(try readFile("\(root)/\(pid)/status"))
        let pss: Int64? = (try? readFile("\(root)/\(pid)/smaps_rollup")).flatMap { parseKeyValues($0)["Pss"] }
        return Memory(rssBytes: status["VmRSS"] ?? 0, peakRSSBytes: status["VmHWM"] ?? 0,
                      virtualBytes: status["VmSize"] ?? 0, threads: status["Threads"] ?? 0, pssBytes: pss)
    }

    /// The fields of /proc/PID/stat that conclab shows.
    public struct Stat: Sendable, Equatable {
        public var pid: Int32
        public var command: String
        /// R, S, D, T, t, Z, X …
        public var state: Character
        public var parentPID: Int32
        public var userTicks: Int64
        public var systemTicks: Int64
        public var rssPages: Int64

        public var stateName: String {
            switch state {
            case "R": return "running"
            case "S": return "sleeping"
            case "D": return "disk-wait"
            case "T", "t": return "stopped"
            case "Z": return "zombie"
            case "X", "x": return "dead"
            case "I": return "idle"
            default: return String(state)
            }
        }
    }

    /// Parses /proc/PID/stat. The command sits in parentheses and may itself contain spaces and ')'.
    public static func parseStat(_ text: String) -> Stat? {
        guard let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")") else { return nil }
        guard let pid = Int32(text[..<open].trimmingSpaces()) else { return nil }
        let command = String(text[text.index(after: open)..<close])
        let rest = text[text.index(after: close)...].split(separator: " ")
        // rest[0] is field 3 (state); utime is field 14, stime 15, rss 24.
        guard rest.count >= 22, let state = rest[0].first else { return nil }
        return Stat(pid: pid, command: command, state: state, parentPID: Int32(rest[1]) ?? 0,
                    userTicks: Int64(rest[11]) ?? 0, systemTicks: Int64(rest[12]) ?? 0,
                    rssPages: Int64(rest[21]) ?? 0)
    }

    public static func stat(pid: Int32, root: String = "/proc") -> Stat? {
        (try? readFile("\(root)/\(pid)/stat")).flatMap(parseStat)
    }

    public static var ticksPerSecond: Int64 { Int64(sysconf(Int32(_SC_CLK_TCK))) }

    /// The whole machine's CPU time so far, from the `cpu` line of /proc/stat, in clock ticks: `busy` is every
    /// column but idle and iowait (and the guest columns, which user already counts).
    public struct MachineCPU: Sendable, Equatable {
        public var busyTicks: Int64
        public var totalTicks: Int64
        public init(busyTicks: Int64, totalTicks: Int64) {
            self.busyTicks = busyTicks
            self.totalTicks = totalTicks
        }
    }

    public static func parseMachineCPU(_ text: String) -> MachineCPU? {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return nil }
        let numbers = line.split(separator: " ").dropFirst().compactMap { Int64($0) }
        guard numbers.count >= 4 else { return nil }
        // user nice system idle iowait irq softirq steal [guest guest_nice]
        let counted = Array(numbers.prefix(8))
        let total = counted.reduce(0, +)
        let idle = counted[3] + (counted.count > 4 ? counted[4] : 0)
        return MachineCPU(busyTicks: total - idle, totalTicks: total)
    }

    public static func machineCPU(root: String = "/proc") -> MachineCPU? {
        (try? readFile("\(root)/stat")).flatMap(parseMachineCPU)
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
