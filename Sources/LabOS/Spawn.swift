@preconcurrency import Glibc
import CLabShim

/// How a child ended: a result, not an error (a non-zero exit is something to show, not to throw).
public enum TerminationStatus: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    public var description: String {
        switch self {
        case .exited(let code): return "exited \(code)"
        case .signaled(let signal): return "killed by SIG\(Signals.name(of: signal))"
        }
    }
}

/// Starting and ending child processes.
public enum ChildProcess {
    /// Starts `path` with `arguments` (argv[0] included) in its own process group, with default signal
    /// dispositions and an empty mask; `channel`, when given, becomes the child's fd 3.
    public static func spawn(path: String, arguments: [String], environment: [String: String] = [:],
                             channel: Int32? = nil) throws(OSError) -> Int32 {
        var pid: pid_t = 0
        let rc = withSpawnStrings(arguments, environment) { argv, envp in
            conclab_spawn(&pid, path, argv, envp, channel ?? -1, 1)
        }
        if rc != 0 { throw OSError("posix_spawn", errno: rc, subject: path) }
        return pid
    }

    /// Reaps `pid` if it has ended (`block: false`) or waits for it. Nil while it runs.
    public static func reap(_ pid: Int32, block: Bool) throws(OSError) -> TerminationStatus? {
        var status: Int32 = 0
        let rc = try valueOrErrno("waitpid") { waitpid(pid, &status, block ? 0 : WNOHANG) }
        if rc == 0 { return nil }
        return decode(status)
    }

    static func decode(_ status: Int32) -> TerminationStatus {
        let signal = status & 0x7f
        if signal == 0 { return .exited((status >> 8) & 0xff) }
        return .signaled(signal)
    }

    public static func signal(_ pid: Int32, _ signal: Int32) throws(OSError) {
        _ = try valueOrErrno("kill", subject: "process \(pid)") { Glibc.kill(pid, signal) }
    }

    /// Called first thing in a worker: die with the parent (PR_SET_PDEATHSIG), and if the parent
    /// already died before that call took effect, leave now.
    public static func dieWithParent(expectedParent: Int32) {
        _ = conclab_set_parent_death_signal(SIGKILL)
        if getppid() != expectedParent { Glibc._exit(1) }
    }

    private static func currentEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") {
                result[String(text[..<eq])] = String(text[text.index(after: eq)...])
            }
            pointer += 1
        }
        return result
    }

    /// `arguments` and the environment (this process's, with `environment` laid over it) as the NULL-ended C
    /// string arrays posix_spawn takes, for the time of `body`.
    static func withSpawnStrings<R>(_ arguments: [String], _ environment: [String: String],
                                    _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>, UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var env = currentEnvironment()
        for (key, value) in environment { env[key] = value }
        return withCStrings(arguments) { argv in
            withCStrings(env.map { "\($0.key)=\($0.value)" }) { envp in body(argv, envp) }
        }
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for p in pointers { free(p) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
