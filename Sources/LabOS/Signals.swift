@preconcurrency import Glibc
import CLabShim
import Synchronization

/// Counts Ctrl-Cs (SIGINT) seen by the watcher thread.
private let interruptCounter = Atomic<Int>(0)
/// Counts window size changes (SIGWINCH) seen by the watcher thread.
private let windowChangeCounter = Atomic<Int>(0)
/// Set once SIGTERM or SIGHUP arrived: the watcher is ending the shell and will die by that signal.
private let terminatingFlag = Atomic<Bool>(false)

/// Signals: SIGINT, SIGTERM, SIGHUP and SIGWINCH are blocked in every thread and taken by one watcher thread with
/// `sigwait`, so no work happens in a signal handler and a blocking read is never interrupted.
public enum Signals {
    public static let interrupt: Int32 = SIGINT
    public static let terminate: Int32 = SIGTERM
    public static let hangup: Int32 = SIGHUP
    public static let kill: Int32 = SIGKILL
    public static let quit: Int32 = SIGQUIT
    public static let brokenPipe: Int32 = SIGPIPE
    public static let user1: Int32 = SIGUSR1

    /// What a child gets back at their default action whoever starts it (`ChildProcess.Attributes`): the signals
    /// the shell blocks or ignores, and the ones a terminal sends.
    public static let childDefaults: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT]

    public static var interruptCount: Int { interruptCounter.load(ordering: .relaxed) }

    /// How many times the terminal window was resized: whoever draws to it compares this with the count it last saw
    /// (the line editor re-reads the size while a line is being edited; results read the width when they are shown).
    public static var windowChangeCount: Int { windowChangeCounter.load(ordering: .relaxed) }

    /// True once SIGTERM/SIGHUP arrived; other threads must then leave the ending to the watcher.
    public static var isTerminating: Bool { terminatingFlag.load(ordering: .acquiring) }

    /// Parks the calling thread for good: used while the watcher ends the shell by a signal.
    public static func waitForTermination() -> Never {
        while true { System.sleep(nanoseconds: 1_000_000_000) }
    }

    /// SIGPIPE would kill the shell when a worker dies mid-write: ignore it, take EPIPE.
    public static func ignoreBrokenPipe() { signal(SIGPIPE, SIG_IGN) }

    private static func watchedSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGHUP)
        sigaddset(&set, SIGWINCH)
        return set
    }

    /// Call first thing in main, before any other thread exists: blocks SIGINT, SIGTERM, SIGHUP and SIGWINCH here (and so in
    /// every thread created later) and starts the watcher. `onInterrupt` runs for each SIGINT; `onTerminate` for
    /// SIGTERM or SIGHUP (it should end everything and call `dieBy`). Both run on the watcher thread.
    public static func watch(onInterrupt: @escaping @Sendable () -> Void,
                             onTerminate: @escaping @Sendable (Int32) -> Void) throws(OSError) {
        var set = watchedSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
        try OSThread.detach(name: "conclab-signals") {
            var set = watchedSet()
            while true {
                var received: Int32 = 0
                guard sigwait(&set, &received) == 0 else { continue }
                if received == SIGINT {
                    interruptCounter.add(1, ordering: .relaxed)
                    onInterrupt()
                } else if received == SIGWINCH {
                    windowChangeCounter.add(1, ordering: .relaxed)
                } else {
                    terminatingFlag.store(true, ordering: .releasing)
                    onTerminate(received)
                    return
                }
            }
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
    private let saved: Locked<termios?>
    private let fd: Int32

    public init(fd: Int32) {
        self.fd = fd
        var t = termios()
        saved = Locked(tcgetattr(fd, &t) == 0 ? t : nil)
    }

    public func restore() {
        saved.withLock { t in
            guard var value = t else { return }
            tcsetattr(fd, TCSANOW, &value)
        }
    }
}
