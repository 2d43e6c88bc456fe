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
///
/// Every child conclab starts — workers, the fork server, IPC helpers, `fd child`, a captured python3, a bare
/// /bin/true — is described by one `Configuration` and started by one call, `spawn(_:)`, over one C entry
/// (`conclab_spawn`). The state the child starts in (`Attributes`: process group, signals, parent-death signal)
/// is also what the fork server applies to the workers it forks, so no launch path sets signals up its own way.
public enum ChildProcess {
    /// The state a child starts in, however it is started.
    public struct Attributes: Sendable, Equatable {
        /// A process group of its own: a Ctrl-C at the terminal goes to the shell's group, and the shell decides
        /// what to tell its children.
        public var newProcessGroup: Bool
        /// Signals put back to their default action. The shell ignores SIGPIPE (it takes EPIPE instead); a child
        /// would inherit that without this. (Caught signals go back to default at exec anyway.)
        public var defaultSignals: [Int32]
        /// The child's signal mask. The shell blocks SIGINT, SIGTERM and SIGHUP in all its threads; a child
        /// must not start with them blocked, so the default is none.
        public var blockedSignals: [Int32]
        /// Sent to the child when the thread that started it ends (PR_SET_PDEATHSIG), so a child cannot outlive a
        /// shell that was killed. Set before the program runs; if the parent is already gone, the child exits.
        /// Start such a child from a thread that lives as long as the child should.
        public var parentDeathSignal: Int32?

        public init(newProcessGroup: Bool = true, defaultSignals: [Int32] = Signals.childDefaults,
                    blockedSignals: [Int32] = [], parentDeathSignal: Int32? = nil) {
            self.newProcessGroup = newProcessGroup
            self.defaultSignals = defaultSignals
            self.blockedSignals = blockedSignals
            self.parentDeathSignal = parentDeathSignal
        }

        /// The C form, for a child of this process.
        func cAttributes() -> conclab_child_attributes {
            var attributes = conclab_child_attributes()
            attributes.new_process_group = newProcessGroup ? 1 : 0
            sigemptyset(&attributes.default_signals)
            for signal in defaultSignals { sigaddset(&attributes.default_signals, signal) }
            sigemptyset(&attributes.mask)
            for signal in blockedSignals { sigaddset(&attributes.mask, signal) }
            attributes.parent_death_signal = parentDeathSignal ?? 0
            attributes.expected_parent = getpid()
            return attributes
        }
    }

    /// One descriptor handed to the child: the parent's `parent` becomes the child's `child`, without close-on-exec.
    public struct DescriptorMapping: Sendable, Equatable {
        public var parent: Int32
        public var child: Int32

        public init(parent: Int32, child: Int32) {
            self.parent = parent
            self.child = child
        }
    }

    /// A child process to start, as a value: what to run, with what, and in which state.
    public struct Configuration: Sendable, Equatable {
        /// The program's path (not searched on $PATH: see `Files.findExecutable`).
        public var executable: String
        /// The arguments after the program's name.
        public var arguments: [String]
        /// What the program sees as its own name (argv[0]); the executable's last path component when nil.
        public var programName: String?
        /// Variables laid over this process's environment (the child gets both; these win).
        public var environment: [String: String]
        /// Descriptors the child is given, applied in order. Every other descriptor this process has open without
        /// close-on-exec is inherited at its own number — which is the lesson of `fd child`; pick each `child`
        /// among numbers free here (`Descriptors.freeNumbers`) so none covers an inherited one. An entry whose
        /// `parent` an earlier entry replaced is refused (EINVAL).
        public var descriptors: [DescriptorMapping]
        public var attributes: Attributes

        public init(executable: String, arguments: [String] = [], programName: String? = nil,
                    environment: [String: String] = [:], descriptors: [DescriptorMapping] = [],
                    attributes: Attributes = Attributes()) {
            self.executable = executable
            self.arguments = arguments
            self.programName = programName
            self.environment = environment
            self.descriptors = descriptors
            self.attributes = attributes
        }

        /// argv: the program's name, then the arguments.
        public var argv: [String] {
            [programName ?? String(executable.split(separator: "/").last ?? Substring(executable))] + arguments
        }
    }

    /// Starts the configured program. Its pid; the caller reaps it (`reap`, `reapWithUsage`).
    public static func spawn(_ configuration: Configuration) throws(OSError) -> Int32 {
        var attributes = configuration.attributes.cAttributes()
        let sources = configuration.descriptors.map(\.parent)
        let targets = configuration.descriptors.map(\.child)
        var pid: pid_t = 0
        let rc = withSpawnStrings(configuration.argv, configuration.environment) { argv, envp in
            sources.withUnsafeBufferPointer { from in
                targets.withUnsafeBufferPointer { to in
                    conclab_spawn(&pid, configuration.executable, argv, envp, from.baseAddress, to.baseAddress,
                                  Int32(sources.count), &attributes)
                }
            }
        }
        if rc != 0 { throw OSError("start", errno: rc, subject: configuration.executable) }
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
    /// string arrays execve takes, for the time of `body`.
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
