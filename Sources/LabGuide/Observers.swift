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

/// `record start FILE` as the core sees it: every line the learner types goes to the recording.
public struct RecorderObserver: SessionObserver {
    public init() {}

    public func didType(_ line: String, in session: Session) {
        Recorder.observe(line, in: session)
    }
}
