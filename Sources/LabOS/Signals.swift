@preconcurrency import Glibc
import CLabShim
import Synchronization

/// Counts SIGINTs. Written only by the signal handler (an atomic increment is async-signal-safe),
/// read by the main thread, which turns it into cancellation of the running command.
private let interruptCounter = Atomic<Int>(0)

/// Signals: Ctrl-C as a counter, SIGTERM/SIGHUP handled by a watcher thread (never in a handler).
public enum Signals {
    public static let interrupt: Int32 = SIGINT
    public static let terminate: Int32 = SIGTERM
    public static let hangup: Int32 = SIGHUP
    public static let kill: Int32 = SIGKILL

    /// Installs the SIGINT handler. Without SA_RESTART a blocking read returns EINTR.
    public static func installInterruptCounter() {
        _ = interruptCounter.load(ordering: .relaxed)
        conclab_sigaction_counter(SIGINT, { _ in interruptCounter.add(1, ordering: .relaxed) }, 0)
    }

    public static var interruptCount: Int { interruptCounter.load(ordering: .relaxed) }

    /// SIGPIPE would kill the shell when a worker dies mid-write: ignore it, take EPIPE.
    public static func ignoreBrokenPipe() { signal(SIGPIPE, SIG_IGN) }

    /// Blocks SIGTERM and SIGHUP in this thread and every thread it creates later; call first thing in main.
    public static func blockTermination() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGHUP)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Starts a thread that waits for SIGTERM or SIGHUP and calls `handler` with it (in a normal thread,
    /// so the handler may lock, allocate and reap). Requires `blockTermination()` first.
    public static func watchTermination(_ handler: @escaping @Sendable (Int32) -> Void) throws(OSError) {
        try OSThread.detach(name: "conclab-signals") {
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, SIGTERM)
            sigaddset(&set, SIGHUP)
            var received: Int32 = 0
            while sigwait(&set, &received) != 0 {}
            handler(received)
        }
    }

    public static func name(of signal: Int32) -> String {
        switch signal {
        case SIGHUP: return "HUP"
        case SIGINT: return "INT"
        case SIGQUIT: return "QUIT"
        case SIGILL: return "ILL"
        case SIGABRT: return "ABRT"
        case SIGBUS: return "BUS"
        case SIGFPE: return "FPE"
        case SIGKILL: return "KILL"
        case SIGUSR1: return "USR1"
        case SIGSEGV: return "SEGV"
        case SIGUSR2: return "USR2"
        case SIGPIPE: return "PIPE"
        case SIGALRM: return "ALRM"
        case SIGTERM: return "TERM"
        case SIGCHLD: return "CHLD"
        case SIGCONT: return "CONT"
        case SIGSTOP: return "STOP"
        case SIGTSTP: return "TSTP"
        default: return "\(signal)"
        }
    }

    /// `TERM`, `SIGTERM`, `term` or `15` → 15.
    public static func number(named text: String) -> Int32? {
        if let n = Int32(text), n > 0, n < 65 { return n }
        var upper = text.uppercased()
        if upper.hasPrefix("SIG") { upper.removeFirst(3) }
        for n in Int32(1)...Int32(31) where name(of: n) == upper { return n }
        return nil
    }

    /// Resets the terminal-facing signals to their defaults and re-raises `signal` on this process.
    public static func dieBy(_ signal: Int32) -> Never {
        Glibc.signal(signal, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, signal)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        raise(signal)
        Glibc._exit(128 + signal)
    }
}

/// The terminal's settings, saved so any exit path can put them back.
public final class TerminalSettings: Sendable {
    private let saved: Mutex<termios?>
    private let fd: Int32

    public init(fd: Int32) {
        self.fd = fd
        var t = termios()
        saved = Mutex(tcgetattr(fd, &t) == 0 ? t : nil)
    }

    public func restore() {
        saved.withLock { t in
            guard var value = t else { return }
            tcsetattr(fd, TCSANOW, &value)
        }
    }
}
