@preconcurrency import Glibc
import CLabShim

/// How `Descriptors.open` opens a file, as the letters a learner types: `r`, `w`, `rw`, `a`.
public enum OpenMode: String, Sendable, CaseIterable {
    /// O_RDONLY.
    case read = "r"
    /// O_WRONLY | O_CREAT | O_TRUNC.
    case write = "w"
    /// O_RDWR | O_CREAT (an existing file keeps its bytes).
    case readWrite = "rw"
    /// O_WRONLY | O_CREAT | O_APPEND: every write goes to the end, whatever the offset says.
    case append = "a"

    /// Whether a file opened this way may be created or changed.
    public var writes: Bool { self != .read }

    var flags: Int32 {
        switch self {
        case .read: return O_RDONLY
        case .write: return O_WRONLY | O_CREAT | O_TRUNC
        case .readWrite: return O_RDWR | O_CREAT
        case .append: return O_WRONLY | O_CREAT | O_APPEND
        }
    }
}

/// Where `lseek` counts from.
public enum SeekOrigin: String, Sendable, CaseIterable {
    case start = "set"
    case current = "cur"
    case end = "end"

    var whence: Int32 {
        switch self {
        case .start: return SEEK_SET
        case .current: return SEEK_CUR
        case .end: return SEEK_END
        }
    }
}

/// What a descriptor is waited on for.
public enum Readiness: Sendable {
    case readable
    case writable
}

/// Typed wrappers over the descriptor calls besides read, write and close (those are `FileDescriptor`'s): open,
/// lseek, dup, dup2, fcntl, poll, and the RLIMIT_NOFILE limit. Every call names the descriptor in its error, so a
/// learner reads `cannot seek fd 9: bad file descriptor (EBADF)`.
public enum Descriptors {
    /// Opens `path`. The open itself never blocks (a FIFO without a partner would): O_NONBLOCK is set for the call
    /// and cleared afterwards, so the descriptor behaves as a plain blocking one.
    public static func open(_ path: String, mode: OpenMode, closeOnExec: Bool, permissions: UInt32 = 0o644) throws(OSError) -> Int32 {
        var flags = mode.flags | O_NOCTTY | O_NONBLOCK
        if closeOnExec { flags |= O_CLOEXEC }
        let fd = try valueOrErrno("open", subject: path) { Glibc.open(path, flags, mode_t(permissions)) }
        let current = fcntl(fd, F_GETFL)
        if current != -1 { _ = fcntl(fd, F_SETFL, current & ~O_NONBLOCK) }
        return fd
    }

    /// `lseek`: the new offset.
    public static func seek(_ fd: Int32, to offset: Int64, from origin: SeekOrigin) throws(OSError) -> Int64 {
        Int64(try valueOrErrno("seek", subject: "fd \(fd)") { lseek(fd, off_t(offset), origin.whence) })
    }

    /// The current offset (`lseek(fd, 0, SEEK_CUR)`), or nil for a pipe, socket or terminal (ESPIPE).
    public static func offset(_ fd: Int32) -> Int64? {
        let value = lseek(fd, 0, SEEK_CUR)
        return value < 0 ? nil : Int64(value)
    }

    /// `dup` (or `F_DUPFD_CLOEXEC`): a new number for the same open file, sharing its offset.
    /// `atLeast` asks for a number no lower than it.
    public static func duplicate(_ fd: Int32, closeOnExec: Bool, atLeast lowest: Int32 = 0) throws(OSError) -> Int32 {
        try valueOrErrno("duplicate", subject: "fd \(fd)") { fcntl(fd, closeOnExec ? F_DUPFD_CLOEXEC : F_DUPFD, lowest) }
    }

    /// `dup2(fd, target)`: `target` now names the same open file; whatever it named before is closed.
    /// The copy is never close-on-exec.
    public static func duplicate(_ fd: Int32, onto target: Int32) throws(OSError) -> Int32 {
        try valueOrErrno("dup2", subject: "fd \(fd) onto \(target)") { dup2(fd, target) }
    }

    /// Whether `fd` names an open file in this process.
    public static func isOpen(_ fd: Int32) -> Bool { fcntl(fd, F_GETFD) != -1 }

    /// The FD_CLOEXEC bit: closed automatically when this process starts another program.
    public static func isCloseOnExec(_ fd: Int32) throws(OSError) -> Bool {
        let flags = try valueOrErrno("fcntl", subject: "fd \(fd)") { fcntl(fd, F_GETFD) }
        return flags & FD_CLOEXEC != 0
    }

    /// The open file's status flags (`F_GETFL`): access mode, O_APPEND, O_NONBLOCK …
    public static func statusFlags(_ fd: Int32) throws(OSError) -> Int32 {
        try valueOrErrno("fcntl", subject: "fd \(fd)") { fcntl(fd, F_GETFL) }
    }

    /// O_NONBLOCK on or off. It belongs to the open file, so every descriptor sharing it (a child's copy too) sees it.
    public static func setNonBlocking(_ fd: Int32, _ on: Bool) throws(OSError) {
        let flags = try statusFlags(fd)
        _ = try valueOrErrno("fcntl", subject: "fd \(fd)") { fcntl(fd, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK) }
    }

    /// Waits up to `milliseconds` (0: just look; negative: forever) for `fd` to become readable or writable.
    /// End of file, a hang-up or an error count as ready: the next read or write reports them.
    public static func wait(_ fd: Int32, for readiness: Readiness, milliseconds: Int) throws(OSError) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(readiness == .readable ? POLLIN : POLLOUT), revents: 0)
        let n = try valueOrErrno("poll", subject: "fd \(fd)") { poll(&entry, 1, Int32(clamping: milliseconds)) }
        if n > 0 && entry.revents & Int16(POLLNVAL) != 0 { throw OSError("poll", errno: EBADF, subject: "fd \(fd)") }
        return n > 0
    }

    /// The soft and hard RLIMIT_NOFILE: how many descriptors this process may have open (numbers 0 … soft-1).
    public static func openFileLimit() throws(OSError) -> (soft: Int, hard: Int) {
        var limit = rlimit()
        _ = try valueOrErrno("getrlimit") { getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) }
        return (clampLimit(limit.rlim_cur), clampLimit(limit.rlim_max))
    }

    /// Sets the soft RLIMIT_NOFILE (the hard one stays). Descriptors already open above it stay open.
    public static func setOpenFileLimit(soft: Int) throws(OSError) {
        var limit = rlimit()
        _ = try valueOrErrno("getrlimit") { getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) }
        limit.rlim_cur = rlim_t(max(0, soft))
        _ = try valueOrErrno("setrlimit", subject: "the descriptor limit to \(soft)") {
            setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        }
    }

    private static func clampLimit(_ value: rlim_t) -> Int {
        value > rlim_t(Int.max) ? Int.max : Int(value)
    }

    /// The lowest numbers ≥ `from` not open in this process, skipping `excluded`: where a child can be given
    /// descriptors without covering one it inherits.
    public static func freeNumbers(_ count: Int, from lowest: Int32 = 3, excluding excluded: Set<Int32> = []) -> [Int32] {
        var result: [Int32] = []
        var n = lowest
        while result.count < count && n < Int32.max {
            if !excluded.contains(n) && !isOpen(n) { result.append(n) }
            n += 1
        }
        return result
    }
}

// MARK: - /proc/PID/fd and fdinfo

/// What kind of thing a descriptor names, as `fd list` shows it.
public enum DescriptorKind: String, Sendable, Equatable, CaseIterable {
    case file
    case directory
    case pipe
    case fifo
    case unixSocket = "unix socket"
    case tcpSocket = "tcp socket"
    case udpSocket = "udp socket"
    case socket
    case tty
    case device
    case eventfd
    case epoll
    case timerfd
    case signalfd
    case inotify
    case pidfd
    case anon
    case unknown
}

/// `/proc/PID/fdinfo/N`: the open file's offset and status flags, and (set by the kernel from the
/// descriptor's FD_CLOEXEC bit) O_CLOEXEC among the flags.
public struct DescriptorInfo: Sendable, Equatable {
    public var position: Int64
    /// The flags as the kernel prints them (octal in the file).
    public var flags: Int32
    public var inode: Int64?

    public init(position: Int64, flags: Int32, inode: Int64? = nil) {
        self.position = position
        self.flags = flags
        self.inode = inode
    }

    public var closeOnExec: Bool { flags & O_CLOEXEC != 0 }

    /// `r`, `w` or `rw`, then `append`, `nonblock`, `sync`, `direct` when set: `rw,append`.
    public var flagNames: String { DescriptorInfo.describe(flags: flags) }

    public static func describe(flags: Int32) -> String {
        var names: [String]
        switch flags & O_ACCMODE {
        case O_WRONLY: names = ["w"]
        case O_RDWR: names = ["rw"]
        default: names = ["r"]
        }
        if flags & O_APPEND != 0 { names.append("append") }
        if flags & O_NONBLOCK != 0 { names.append("nonblock") }
        if flags & O_SYNC == O_SYNC { names.append("sync") }
        return names.joined(separator: ",")
    }
}

/// One open descriptor of a process, as `/proc/PID/fd` and `fdinfo` show it.
public struct DescriptorEntry: Sendable, Equatable {
    public var number: Int32
    /// What the `/proc/PID/fd/N` link says: a path, `pipe:[123]`, `socket:[456]`, `anon_inode:[eventfd]` …
    public var link: String
    public var kind: DescriptorKind
    /// A socket's addresses and state (`127.0.0.1:5000 listen`, `/tmp/s.sock connected`), when known.
    public var socketDetail: String?
    public var info: DescriptorInfo?

    public init(number: Int32, link: String, kind: DescriptorKind, socketDetail: String? = nil, info: DescriptorInfo? = nil) {
        self.number = number
        self.link = link
        self.kind = kind
        self.socketDetail = socketDetail
        self.info = info
    }

    /// The inode inside `pipe:[123]` or `socket:[456]`.
    public var linkInode: Int64? { ProcFS.bracketedInode(link) }
}

/// What `ProcFS.descriptors` found, and the descriptor its own directory listing used (skipped from `entries`).
public struct DescriptorListing: Sendable, Equatable {
    public var pid: Int32
    public var entries: [DescriptorEntry]
    /// The descriptor the listing of `/proc/self/fd` itself held open; it is not in `entries`.
    public var listingDescriptor: Int32?
}

/// A socket's addresses and state from `/proc/PID/net/{unix,tcp,tcp6,udp}`, keyed by inode.
public struct SocketDescription: Sendable, Equatable {
    public var kind: DescriptorKind
    public var local: String
    public var remote: String?
    public var state: String

    public var text: String {
        var parts = [local]
        if let remote { parts.append("→ " + remote) }
        parts.append(state)
        return parts.joined(separator: " ")
    }
}

extension ProcFS {
    /// Parses `/proc/PID/fdinfo/N` text (`pos:`, `flags:` in octal, `ino:`).
    public static func parseDescriptorInfo(_ text: String) -> DescriptorInfo? {
        var position: Int64?
        var flags: Int32?
        var inode: Int64?
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon]
            let value = line[line.index(after: colon)...].trimmed(while: { $0 == " " || $0 == "\t" })
            switch key {
            case "pos": position = Int64(value)
            case "flags": flags = Int32(value, radix: 8)
            case "ino": inode = Int64(value)
            default: break
            }
        }
        guard let position, let flags else { return nil }
        return DescriptorInfo(position: position, flags: flags, inode: inode)
    }

    /// The kind of a descriptor from its link text and, for paths, the file type bits of `stat` (`st_mode`).
    public static func classify(link: String, mode: UInt32?) -> DescriptorKind {
        if link.hasPrefix("pipe:") { return .pipe }
        if link.hasPrefix("socket:") { return .socket }
        if link.hasPrefix("anon_inode:") || link.hasPrefix("pidfd:") {
            let name = link.drop(while: { $0 != ":" }).dropFirst().filter { $0 != "[" && $0 != "]" }
            switch name {
            case "eventfd": return .eventfd
            case "eventpoll": return .epoll
            case "timerfd": return .timerfd
            case "signalfd": return .signalfd
            case "inotify": return .inotify
            case "pidfd": return .pidfd
            default: return link.hasPrefix("pidfd:") ? .pidfd : .anon
            }
        }
        let isTerminalPath = link.hasPrefix("/dev/pts/") || link.hasPrefix("/dev/tty") || link == "/dev/console"
        guard let mode else { return isTerminalPath ? .tty : (link.hasPrefix("/") ? .file : .unknown) }
        switch mode & UInt32(S_IFMT) {
        case UInt32(S_IFREG): return .file
        case UInt32(S_IFDIR): return .directory
        case UInt32(S_IFIFO): return .fifo
        case UInt32(S_IFSOCK): return .socket
        case UInt32(S_IFCHR): return isTerminalPath ? .tty : .device
        case UInt32(S_IFBLK): return .device
        default: return .unknown
        }
    }

    /// `socket:[456]` → 456.
    public static func bracketedInode(_ link: String) -> Int64? {
        guard let open = link.firstIndex(of: "["), let close = link.lastIndex(of: "]"), open < close else { return nil }
        return Int64(link[link.index(after: open)..<close])
    }

    /// Parses `/proc/PID/net/unix`: inode → path (or "unnamed") and state.
    public static func parseUnixSockets(_ text: String) -> [Int64: SocketDescription] {
        var result: [Int64: SocketDescription] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            // Num RefCount Protocol Flags Type St Inode [Path]
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 7, let inode = Int64(fields[6]) else { continue }
            let flags = Int(fields[3], radix: 16) ?? 0
            let state: String
            if flags & 0x10000 != 0 { state = "listening" } // __SO_ACCEPTCON
            else if fields[5] == "03" { state = "connected" }
            else if fields[5] == "01" { state = "unconnected" }
            else { state = "state \(fields[5])" }
            let path = fields.count > 7 ? fields[7...].joined(separator: " ") : "unnamed"
            result[inode] = SocketDescription(kind: .unixSocket, local: path, remote: nil, state: state)
        }
        return result
    }

    /// Parses `/proc/PID/net/tcp`, `tcp6`, `udp` or `udp6`: inode → addresses and state.
    public static func parseInetSockets(_ text: String, kind: DescriptorKind = .tcpSocket) -> [Int64: SocketDescription] {
        var result: [Int64: SocketDescription] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 10, let inode = Int64(fields[9]), inode != 0,
                  let local = decodeInetAddress(fields[1]), let remote = decodeInetAddress(fields[2]) else { continue }
            let state = kind == .udpSocket ? "" : tcpStateName(String(fields[3]))
            let connected = !remote.hasSuffix(":0")
            var description = SocketDescription(kind: kind, local: local, remote: connected ? remote : nil, state: state)
            if kind == .udpSocket { description.state = connected ? "connected" : "unconnected" }
            result[inode] = description
        }
        return result
    }

    /// `0100007F:1F90` → `127.0.0.1:8080`; a 32-digit IPv6 address → `[::1]:8080` (each 32-bit word is in the
    /// host's byte order, little-endian here).
    public static func decodeInetAddress(_ text: Substring) -> String? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1], radix: 16) else { return nil }
        let hex = Array(parts[0])
        guard hex.count == 8 || hex.count == 32 else { return nil }
        var bytes: [UInt8] = []
        for word in stride(from: 0, to: hex.count, by: 8) {
            guard let value = UInt32(String(hex[word..<word + 8]), radix: 16) else { return nil }
            let v = UInt32(littleEndian: value)
            bytes += [UInt8(v & 0xff), UInt8((v >> 8) & 0xff), UInt8((v >> 16) & 0xff), UInt8(v >> 24)]
        }
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") + ":\(port)" }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
            return bytes[12...].map(String.init).joined(separator: ".") + ":\(port)"
        }
        var groups = stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        // Collapse the longest run of zero groups (at least two) into "::".
        var best: Range<Int>?
        var start: Int?
        for i in 0...groups.count {
            if i < groups.count && groups[i] == "0" { if start == nil { start = i } } else if let s = start {
                if i - s >= 2 && (best == nil || i - s > best!.count) { best = s..<i }
                start = nil
            }
        }
        if let best {
            let head = groups[..<best.lowerBound].joined(separator: ":")
            let tail = groups[best.upperBound...].joined(separator: ":")
            groups = [head + "::" + tail]
        }
        return "[" + groups.joined(separator: ":") + "]:\(port)"
    }

    static func tcpStateName(_ code: String) -> String {
        switch code {
        case "01": return "established"
        case "02": return "syn-sent"
        case "03": return "syn-recv"
        case "04": return "fin-wait1"
        case "05": return "fin-wait2"
        case "06": return "time-wait"
        case "07": return "close"
        case "08": return "close-wait"
        case "09": return "last-ack"
        case "0A": return "listen"
        case "0B": return "closing"
        default: return "state \(code)"
        }
    }

    /// Every open descriptor of `pid` (default: this process): number, link, kind, socket details, offset and flags.
    /// Listing `/proc/self/fd` needs a descriptor of its own; that one is left out and reported as `listingDescriptor`.
    public static func descriptors(pid: Int32? = nil, root: String = defaultRoot) throws(OSError) -> DescriptorListing {
        let me = System.processID
        let target = pid ?? me
        let base = "\(root)/\(target)"
        let directory = base + "/fd"
        var (numbers, dirFD) = try descriptorNumbers(directory: directory)
        let listingDescriptor: Int32? = target == me && root == defaultRoot ? dirFD : nil
        numbers = numbers.filter { $0 != listingDescriptor }.sorted()
        var sockets: [Int64: SocketDescription]?
        var entries: [DescriptorEntry] = []
        for n in numbers {
            guard let link = readLink("\(directory)/\(n)") else { continue } // closed meanwhile
            let mode: UInt32? = link.hasPrefix("/") ? fileMode("\(directory)/\(n)") : nil
            var entry = DescriptorEntry(number: n, link: link, kind: classify(link: link, mode: mode))
            entry.info = (try? readFile("\(base)/fdinfo/\(n)")).flatMap(parseDescriptorInfo)
            if entry.kind == .socket, let inode = entry.linkInode {
                if sockets == nil { sockets = socketTable(base: base) }
                if let found = sockets?[inode] {
                    entry.kind = found.kind
                    entry.socketDetail = found.text
                }
            }
            entries.append(entry)
        }
        return DescriptorListing(pid: target, entries: entries, listingDescriptor: listingDescriptor)
    }

    /// How many descriptors this process has open (the listing's own not counted).
    public static func openDescriptorCount() throws(OSError) -> Int {
        let (numbers, own) = try descriptorNumbers(directory: processDirectory(nil, root: defaultRoot) + "/fd")
        return numbers.filter { $0 != own }.count
    }

    /// The names in a `/proc/PID/fd` directory, and the descriptor the listing itself used.
    private static func descriptorNumbers(directory: String) throws(OSError) -> ([Int32], Int32) {
        let dirFD = try valueOrErrno("open", subject: directory) { Glibc.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard let stream = fdopendir(dirFD) else {
            let code = Errno.current
            try? FileDescriptor(dirFD).close()
            throw OSError("list", code, subject: directory)
        }
        defer { closedir(stream) }
        var numbers: [Int32] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if let n = Int32(name) { numbers.append(n) }
        }
        return (numbers, dirFD)
    }

    private static func socketTable(base: String) -> [Int64: SocketDescription] {
        var table: [Int64: SocketDescription] = [:]
        if let text = try? readFile(base + "/net/unix") { table.merge(parseUnixSockets(text)) { a, _ in a } }
        for (name, kind) in [("tcp", DescriptorKind.tcpSocket), ("tcp6", .tcpSocket), ("udp", .udpSocket), ("udp6", .udpSocket)] {
            if let text = try? readFile(base + "/net/" + name) { table.merge(parseInetSockets(text, kind: kind)) { a, _ in a } }
        }
        return table
    }

    /// What descriptor `fd` of `pid` (default: this process) names: its `/proc/PID/fd/N` link.
    public static func descriptorLink(_ fd: Int32, pid: Int32? = nil, root: String = defaultRoot) -> String? {
        readLink(processDirectory(pid, root: root) + "/fd/\(fd)")
    }

    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n >= 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// The `st_mode` of what `path` leads to, following links; nil if it cannot be read.
private func fileMode(_ path: String) -> UInt32? {
    var st = stat()
    return stat(path, &st) == 0 ? UInt32(st.st_mode) : nil
}
