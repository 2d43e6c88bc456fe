@preconcurrency import Glibc

/// An errno value with a Swift name, so code outside LabOS says `.brokenPipe` where C says EPIPE and never
/// spells a number. Only the values conclab meets are named; any other still round-trips through `rawValue`.
public struct Errno: Error, RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The calling thread's errno. Setting it is for tests that fake a failing call.
    public static var current: Errno {
        get { Errno(rawValue: Glibc.errno) }
        set { Glibc.errno = newValue.rawValue }
    }

    /// EPERM
    public static let notPermitted = Errno(rawValue: EPERM)
    /// ENOENT
    public static let noSuchFileOrDirectory = Errno(rawValue: ENOENT)
    /// ESRCH
    public static let noSuchProcess = Errno(rawValue: ESRCH)
    /// EINTR: a signal arrived during the call; most calls are simply made again.
    public static let interrupted = Errno(rawValue: EINTR)
    /// EIO
    public static let ioError = Errno(rawValue: EIO)
    /// ENXIO
    public static let noSuchDeviceOrAddress = Errno(rawValue: ENXIO)
    /// EBADF
    public static let badFileDescriptor = Errno(rawValue: EBADF)
    /// ECHILD: no such child to wait for (or it was reaped already).
    public static let noChildProcess = Errno(rawValue: ECHILD)
    /// EAGAIN (the same number as EWOULDBLOCK on Linux): a non-blocking call could not proceed now.
    public static let wouldBlock = Errno(rawValue: EAGAIN)
    /// ENOMEM
    public static let noMemory = Errno(rawValue: ENOMEM)
    /// EACCES
    public static let permissionDenied = Errno(rawValue: EACCES)
    /// EEXIST
    public static let fileExists = Errno(rawValue: EEXIST)
    /// ENOTDIR
    public static let notDirectory = Errno(rawValue: ENOTDIR)
    /// EISDIR
    public static let isDirectory = Errno(rawValue: EISDIR)
    /// EINVAL
    public static let invalidArgument = Errno(rawValue: EINVAL)
    /// ENFILE: the whole system is out of open files.
    public static let tooManyOpenFilesInSystem = Errno(rawValue: ENFILE)
    /// EMFILE: this process has no descriptor number free below its limit.
    public static let tooManyOpenFiles = Errno(rawValue: EMFILE)
    /// EFBIG: the write would pass the file size limit (RLIMIT_FSIZE).
    public static let fileTooLarge = Errno(rawValue: EFBIG)
    /// ESPIPE: a pipe, socket or terminal has no offset to seek.
    public static let illegalSeek = Errno(rawValue: ESPIPE)
    /// ENOSPC
    public static let noSpace = Errno(rawValue: ENOSPC)
    /// EPIPE: the reading end is gone.
    public static let brokenPipe = Errno(rawValue: EPIPE)
    /// ENAMETOOLONG
    public static let fileNameTooLong = Errno(rawValue: ENAMETOOLONG)
    /// ENOTSOCK
    public static let notSocket = Errno(rawValue: ENOTSOCK)
    /// EMSGSIZE
    public static let messageTooLong = Errno(rawValue: EMSGSIZE)
    /// EADDRINUSE
    public static let addressInUse = Errno(rawValue: EADDRINUSE)
    /// EADDRNOTAVAIL
    public static let addressNotAvailable = Errno(rawValue: EADDRNOTAVAIL)
    /// ECONNABORTED
    public static let connectionAborted = Errno(rawValue: ECONNABORTED)
    /// ECONNRESET
    public static let connectionReset = Errno(rawValue: ECONNRESET)
    /// ETIMEDOUT
    public static let timedOut = Errno(rawValue: ETIMEDOUT)
    /// ECONNREFUSED
    public static let connectionRefused = Errno(rawValue: ECONNREFUSED)
    /// EINPROGRESS
    public static let inProgress = Errno(rawValue: EINPROGRESS)
    /// EALREADY: a non-blocking connect is still in progress.
    public static let alreadyInProgress = Errno(rawValue: EALREADY)
    /// ENOTCONN
    public static let notConnected = Errno(rawValue: ENOTCONN)
    /// A robust mutex's holder died holding it: the caller now holds it, and what it protects may be half-updated.
    public static let ownerDied = Errno(rawValue: EOWNERDEAD)
    /// A robust mutex whose holder died was let go without `pthread_mutex_consistent`: nobody can take it again.
    public static let notRecoverable = Errno(rawValue: ENOTRECOVERABLE)
    public static let deadlock = Errno(rawValue: EDEADLK)

    /// The C name, `EPIPE`; `errno 140` for one without a name here.
    public var name: String {
        switch self {
        case .notPermitted: return "EPERM"
        case .noSuchFileOrDirectory: return "ENOENT"
        case .noSuchProcess: return "ESRCH"
        case .interrupted: return "EINTR"
        case .ioError: return "EIO"
        case .noSuchDeviceOrAddress: return "ENXIO"
        case .badFileDescriptor: return "EBADF"
        case .noChildProcess: return "ECHILD"
        case .wouldBlock: return "EAGAIN"
        case .noMemory: return "ENOMEM"
        case .permissionDenied: return "EACCES"
        case .fileExists: return "EEXIST"
        case .notDirectory: return "ENOTDIR"
        case .isDirectory: return "EISDIR"
        case .invalidArgument: return "EINVAL"
        case .tooManyOpenFilesInSystem: return "ENFILE"
        case .tooManyOpenFiles: return "EMFILE"
        case .fileTooLarge: return "EFBIG"
        case .illegalSeek: return "ESPIPE"
        case .noSpace: return "ENOSPC"
        case .brokenPipe: return "EPIPE"
        case .fileNameTooLong: return "ENAMETOOLONG"
        case .notSocket: return "ENOTSOCK"
        case .messageTooLong: return "EMSGSIZE"
        case .addressInUse: return "EADDRINUSE"
        case .addressNotAvailable: return "EADDRNOTAVAIL"
        case .connectionAborted: return "ECONNABORTED"
        case .connectionReset: return "ECONNRESET"
        case .timedOut: return "ETIMEDOUT"
        case .connectionRefused: return "ECONNREFUSED"
        case .inProgress: return "EINPROGRESS"
        case .alreadyInProgress: return "EALREADY"
        case .notConnected: return "ENOTCONN"
        case .ownerDied: return "EOWNERDEAD"
        case .notRecoverable: return "ENOTRECOVERABLE"
        case .deadlock: return "EDEADLK"
        default: return "errno \(rawValue)"
        }
    }

    /// The C library's message, lower-cased: "permission denied".
    public var message: String {
        guard let cstr = strerror(rawValue) else { return "error \(rawValue)" }
        let text = String(cString: cstr)
        guard let first = text.first else { return text }
        return first.lowercased() + text.dropFirst()
    }

    public var description: String { name }
}

/// An operating-system error: the call that failed, the errno, and a sentence a learner understands.
public struct OSError: Error, Equatable, Sendable, CustomStringConvertible {
    public let call: String
    public let code: Errno
    public let subject: String?

    public init(_ call: String, _ code: Errno, subject: String? = nil) {
        self.call = call
        self.code = code
        self.subject = subject
    }

    public init(_ call: String, errno: Int32, subject: String? = nil) {
        self.init(call, Errno(rawValue: errno), subject: subject)
    }

    /// The raw number, for comparing with the C constants inside LabOS.
    public var errno: Int32 { code.rawValue }

    /// Symbolic name such as `EACCES`.
    public var name: String { code.name }

    /// The C library's message, lower-cased: "permission denied".
    public var message: String { code.message }

    public var description: String {
        // EFBIG from a file size limit (a replayed lab sets one; a memfd counts as a file) names the limit.
        let limit = code == .fileTooLarge ? Containment.fileSizeLimit.map { "; this process's file size limit is \($0 >> 20) MiB, as a replayed lab sets it" } : nil
        if let subject { return "cannot \(call) \(subject): \(message) (\(name)\(limit ?? ""))" }
        return "\(call) failed: \(message) (\(name)\(limit ?? ""))"
    }

    public static func name(of code: Int32) -> String { Errno(rawValue: code).name }
}

/// The one errno loop: calls `body` again while it fails with EINTR (when asked), and turns a -1 into the errno.
/// Every retried call in LabOS goes through here (or the throwing form below).
@inline(__always)
package func valueOrErrno<T: FixedWidthInteger>(retryOnInterrupt: Bool = true, _ body: () -> T) -> Result<T, Errno> {
    while true {
        let value = body()
        if value != -1 { return .success(value) }
        let code = Errno.current
        if code == .interrupted && retryOnInterrupt { continue }
        return .failure(code)
    }
}

/// `valueOrErrno` that throws an `OSError` naming the call and what it was about (`subject` is only worked out
/// on failure, so a hot loop pays nothing for it).
@inline(__always)
package func valueOrErrno<T: FixedWidthInteger>(
    _ call: String, subject: @autoclosure () -> String? = nil, retryOnInterrupt: Bool = true, _ body: () -> T
) throws(OSError) -> T {
    switch valueOrErrno(retryOnInterrupt: retryOnInterrupt, body) {
    case .success(let value): return value
    case .failure(let code): throw OSError(call, code, subject: subject())
    }
}
