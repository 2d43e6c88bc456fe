/// A line the shell prints under a command's result. Typed, so the renderer styles it without re-reading its text.
public enum Note: Sendable, Equatable {
    /// A lab check judged against the result: `✓ lost > 0` or `✗ lost > 0   (lost = 0)`.
    case check(passed: Bool, text: String)
    /// A step (or a lab) finished.
    case stepDone(String)
    /// Anything else (progress not saved, …).
    case text(String)

    /// The note as plain text (no colour), as the shell shows it.
    public var text: String {
        switch self {
        case .check(let passed, let text): return "  " + (passed ? "✓ " : "✗ ") + text
        case .stepDone(let text), .text(let text): return text
        }
    }
}

/// Something outside the core that follows a session: the lab guide, the recorder.
/// The core calls these hooks and never names who implements them.
public protocol SessionObserver: Sendable {
    /// A line the learner typed (not one loaded from history).
    func didType(_ line: String, in session: Session)
    /// A top-level command finished; the notes returned are printed under its result.
    func didRun(_ outcome: Outcome, in session: Session) -> [Note]
}

extension SessionObserver {
    public func didType(_ line: String, in session: Session) {}
    public func didRun(_ outcome: Outcome, in session: Session) -> [Note] { [] }
}

/// Completion candidates that come from outside the core (a lab step's commands, lab ids).
public protocol CompletionSource: Sendable {
    /// Whole lines to offer first: the one expected next, and all of them.
    func lineSuggestions(in session: Session) -> (next: String?, all: [String])
    /// Values for an argument of `kind`, when this source knows that kind (nil: not mine).
    func candidates(for kind: ArgumentKind, in session: Session) -> [String]?
}

extension CompletionSource {
    public func lineSuggestions(in session: Session) -> (next: String?, all: [String]) { (nil, []) }
    public func candidates(for kind: ArgumentKind, in session: Session) -> [String]? { nil }
}
