import Testing
import TestSupport
import LabOS
import LabCore
import PyLab

/// Collects what the interpreter reports.
private final class EventLog: PyEventObserver {
    let events = Locked<[(PyEvent, String)]>([])
    var isObserving: Bool { true }
    func observe(_ event: PyEvent, thread: String) { events.withLock { $0.append((event, thread)) } }
    func of(_ thread: String) -> [PyEvent] { events.withLock { $0.filter { $0.1 == thread }.map(\.0) } }
}

/// A listener that does not listen: the interpreter must not report to it.
private final class Deaf: PyEventObserver {
    let calls = Locked(0)
    var isObserving: Bool { false }
    func observe(_ event: PyEvent, thread: String) { calls.withLock { $0 += 1 } }
}

/// The interpreter reports thread and GIL events through `PyEventObserver` only (the lab's timeline adapts it).
@Suite("Interpreter: events", .serialized, .timeLimit(.minutes(1)))
struct InterpreterEventTests {
    @Test func teamThreadsReportStartGILAndEnd() throws {
        let runtime = PyRuntime()
        let log = EventLog()
        runtime.gil.attach(log)
        let code = try runtime.compile("x = 1")
        _ = try runtime.runTeam(code, count: 2, cancellation: nil, threadName: "w", observer: log)
        for name in ["w-1", "w-2"] {
            let events = log.of(name)
            expectEqual(events.first, .threadStarted)
            expectEqual(events.last, .threadEnded(error: nil))
            #expect(events.contains(.gilAcquired))
        }
    }

    @Test func aThreadEndedByAnExceptionSaysWhich() throws {
        let runtime = PyRuntime()
        let log = EventLog()
        let code = try runtime.compile("raise KeyError('k')")
        _ = try runtime.runTeam(code, count: 1, cancellation: nil, observer: log)
        guard case .threadEnded(let error)? = log.of("py-1").last else {
            Issue.record("no end event: \(log.of("py-1"))")
            return
        }
        expectEqual(error?.contains("KeyError"), true)
    }

    @Test func nothingIsReportedToAnObserverThatIsNotListening() throws {
        let runtime = PyRuntime()
        let deaf = Deaf()
        runtime.gil.attach(deaf)
        let code = try runtime.compile("x = 1")
        _ = try runtime.runTeam(code, count: 2, cancellation: nil, observer: deaf)
        expectEqual(deaf.calls.withLock { $0 }, 0)
    }
}
