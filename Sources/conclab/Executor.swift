import LabKit
import LabOS

/// Runs commands on one long-lived thread so the main thread stays free to notice Ctrl-C.
/// The thread lives as long as the shell: children it spawns have PR_SET_PDEATHSIG, which fires
/// when the *thread* that created them ends.
final class Executor: Sendable {
    private enum Slot: Sendable {
        case idle
        case pending(String)
        case running
        case done(Outcome)
    }

    private let gate = Gate<Slot>(.idle)
    private let session: Session

    init(session: Session) throws {
        self.session = session
        let gate = self.gate
        try OSThread.detach(name: "conclab-cmd") {
            while true {
                let line: String = gate.wait { slot in
                    if case .pending(let line) = slot { slot = .running; return line }
                    return nil
                }!
                let outcome = session.execute(line)
                gate.update { $0 = .done(outcome) }
            }
        }
    }

    /// Runs `line` and waits for it; a Ctrl-C (SIGINT) meanwhile cancels it. `onInterrupt` is told each time.
    func run(_ line: String, onInterrupt: () -> Void) -> Outcome {
        var seen = Signals.interruptCount
        var interrupted = false
        gate.update { $0 = .pending(line) }
        while true {
            let finished = gate.wait(timeoutNanoseconds: 5_000_000) { slot -> Outcome? in
                if case .done(let outcome) = slot { slot = .idle; return outcome }
                return nil
            }
            if let finished { return finished }
            if Signals.interruptCount != seen {
                seen = Signals.interruptCount
                interrupted = true
                onInterrupt()
            }
            // Keep asking until the command notices: the first request may come before it starts.
            if interrupted { session.cancelRunning() }
        }
    }
}
