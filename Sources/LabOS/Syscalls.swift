@preconcurrency import Glibc
import CLabShim

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
        _ = valueOrErrno {
            let rc = nanosleep(&request, &remaining)
            request = remaining   // after a signal: what is left to sleep
            return rc
        }
    }

    /// Terminal width in columns, or nil when `fd` is not a terminal.
    public static func terminalColumns(_ fd: Int32) -> Int? {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// Terminal height in rows, or nil when `fd` is not a terminal.
    public static func terminalRows(_ fd: Int32) -> Int? {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 else { return nil }
        return Int(size.ws_row)
    }

    public static var numberOfCPUs: Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    public static var pageSize: Int { Int(sysconf(Int32(_SC_PAGESIZE))) }

    /// Absolute path of the running executable (what `/proc/self/exe` links to).
    public static func executablePath() -> String? { ProcFS.executablePath() }

    public static func exit(_ status: Int32) -> Never { Glibc.exit(status) }
    public static func immediateExit(_ status: Int32) -> Never { Glibc._exit(status) }
}
