import LabCore

/// The lab guide as the core sees it: it judges each command of the active step and offers the step's commands
/// and the lab ids to Tab.
public struct LabGuideObserver: SessionObserver, CompletionSource {
    public init() {}

    public func didRun(_ outcome: Outcome, in session: Session) -> [Note] {
        LabGuide.afterCommand(outcome, in: session)
    }

    public func lineSuggestions(in session: Session) -> (next: String?, all: [String]) {
        (LabGuide.nextSuggestion(session), LabGuide.suggestions(session))
    }

    public func candidates(for kind: ArgumentKind, in session: Session) -> [String]? {
        guard case .lab = kind else { return nil }
        return ((try? loadLabs(session)) ?? []).map(\.id)
    }
}

/// `record start FILE` as the core sees it: the commands the learner types go to the recording, when they succeed
/// (or all of them, as typed, with `--all`).
public struct RecorderObserver: SessionObserver {
    public init() {}

    public func didType(_ line: String, in session: Session) {
        Recorder.typed(line, in: session)
    }

    public func didRun(_ outcome: Outcome, in session: Session) -> [Note] {
        Recorder.ran(outcome, in: session)
        return []
    }
}
