import LabCore
import PyLab

/// The interpreter as a session sees it: one runtime per session, made on first use, whose GIL reports to the
/// session's timeline. PyLab itself knows no session; this file is its glue to one.
extension PyRuntime {
    /// The session's interpreter; the timeline recorder is another topic's state, taken under its own lock.
    package static let stateKey = TopicKey("interpreter") { session -> PyRuntime in
        let runtime = PyRuntime()
        runtime.gil.attach(EventRecorder.of(session))
        runtime.confineFiles(to: session)
        return runtime
    }

    /// In a replayed lab, the program's files are the lab's scratch folder's, and what it writes counts against the
    /// lab's bound; otherwise the runtime makes a private folder of its own on first use (PyFiles).
    package func confineFiles(to session: Session) {
        guard let sandbox = session.sandbox else { return }
        files.confine(to: sandbox.scratchDirectory) { bytes in
            do { try sandbox.charge(writing: bytes) } catch { return "\(error)" }
            return nil
        }
    }

    /// The interpreter of `session`, made on first use.
    package static func shared(for session: Session) -> PyRuntime {
        session.state(stateKey)
    }
}

/// The timeline hears the interpreter: thread starts and ends, and the GIL changing hands, become timeline events.
extension EventRecorder: PyEventObserver {
    package var isObserving: Bool { isOn }

    package func observe(_ event: PyEvent, thread: String) {
        switch event {
        case .threadStarted: record(thread, .start)
        case .threadEnded(let error): record(thread, .end, error ?? "")
        case .gilRequested: record(thread, .gilRequest)
        case .gilAcquired: record(thread, .gilAcquire)
        case .gilDropped: record(thread, .gilDrop)
        case .gilForcedSwitch: record(thread, .forcedSwitch)
        }
    }
}
