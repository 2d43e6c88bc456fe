@preconcurrency import Glibc
import CLabShim

/// An operating-system error: the call that failed, the errno, and a sentence a learner understands.
public struct OSError: Error, Equatable, Sendable, CustomStringConvertible {
    public let call: String
    public let errno: Int32
    public let subject: String?

    public init(_ call: String, errno: Int32, subject: String? = nil) {
        self.call = call
        self.errno = errno
        self.subject = subject
    }

    /// Symbolic name such as `EACCES`.
    public var name: String { OSError.name(of: errno) }

    /// The C library's message, lower-cased: "permission denied".
    public var message: String {
        guard let cstr = strerror(errno) else { return "error \(errno)" }
        let text = String(cString: cstr)
        guard let first = text.first else { return text }
        return first.lowercased() + text.dropFirst()
    }

    public var description: String {
        if let subject { return "cannot \(call) \(subject): \(message) (\(name))" }
        return "\(call) failed: \(message) (\(name))"
    }

    public static func name(of code: Int32) -> String {
        switch code {
        case EPERM: return "EPERM"
        case ENOENT: return "ENOENT"
        case ESRCH: return "ESRCH"
        case EINTR: return "EINTR"
        case EIO: return "EIO"
        case EBADF: return "EBADF"
        case ECHILD: return "ECHILD"
        case EAGAIN: return "EAGAIN"
        case ENOMEM: return "ENOMEM"
        case EACCES: return "EACCES"
        case EEXIST: return "EEXIST"
        case ENOTDIR: return "ENOTDIR"
        case EISDIR: return "EISDIR"
        case EINVAL: return "EINVAL"
        case ENFILE: return "ENFILE"
        case EMFILE: return "EMFILE"
        case ENOSPC: return "ENOSPC"
        case EPIPE: return "EPIPE"
        case ENAMETOOLONG: return "ENAMETOOLONG"
        case ECONNREFUSED: return "ECONNREFUSED"
        case EADDRINUSE: return "EADDRINUSE"
        case ETIMEDOUT: return "ETIMEDOUT"
        case EMSGSIZE: return "EMSGSIZE"
        case ECONNRESET: return "ECONNRESET"
        case EINPROGRESS: return "EINPROGRESS"
        case ENOTSOCK: return "ENOTSOCK"
        case EADDRNOTAVAIL: return "EADDRNOTAVAIL"
        case ENXIO: return "ENXIO"
        default: return "errno \(code)"
        }
    }
}

/// The one errno loop: runs `body` until it does not fail with EINTR (when asked), and turns -1 into an `OSError`.
@inline(__always)
func valueOrErrno<T: FixedWidthInteger>(
    _ call: String, subject: String? = nil, retryOnInterrupt: Bool = true, _ body: () -> T
) throws(OSError) -> T {
    while true {
        let value = body()
        if value != -1 { return value }
        let code = Glibc.errno
        if code == EINTR && retryOnInterrupt { continue }
        throw OSError(call, errno: code, subject: subject)
    }
}

/// Small, typed wrappers over the calls the rest of conclab needs.
public enum System {
    public static var processID: Int32 { getpid() }
    public static var parentProcessID: Int32 { getppid() }
    public static var threadID: Int32 { conclab_gettid() }

    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    public static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    /// Writes all of `bytes` to `fd`, retrying short writes and EINTR.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(OSError) {
        var offset = 0
        while offset < bytes.count {
            let n = try valueOrErrno("write") {
                bytes.withUnsafeBytes { raw in Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset) }
            }
            offset += n
        }
    }

    public static func writeAll(_ fd: Int32, _ text: String) throws(OSError) {
        try writeAll(fd, Array(text.utf8))
    }

    /// Reads one chunk; an empty array means end of file.
    public static func read(_ fd: Int32, max: Int) throws(OSError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: max)
        let n = try valueOrErrno("read") { buffer.withUnsafeMutableBytes { raw in Glibc.read(fd, raw.baseAddress, max) } }
        buffer.removeSubrange(n...)
        return buffer
    }

    public static func close(_ fd: Int32) { _ = Glibc.close(fd) }

    /// A close-on-exec pipe: (read end, write end).
    public static func pipe() throws(OSError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        _ = try valueOrErrno("pipe2") { fds.withUnsafeMutableBufferPointer { conclab_pipe2_cloexec($0.baseAddress!) } }
        return (fds[0], fds[1])
    }

    /// Sleeps for `nanoseconds` (not cancellable; callers slice long sleeps).
    public static func sleep(nanoseconds: Int64) {
        guard nanoseconds > 0 else { return }
        var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
    }

    /// Terminal width in columns, or nil when `fd` is not a terminal.
    public static func terminalColumns(_ fd: Int32) -> Int? {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    public static var numberOfCPUs: Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    public static var pageSize: Int { Int(sysconf(Int32(_SC_PAGESIZE))) }

    /// Absolute path of the running executable, from /proc/self/exe.
    public static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public static func exit(_ status: Int32) -> Never { Glibc.exit(status) }
    public static func immediateExit(_ status: Int32) -> Never { Glibc._exit(status) }
}
