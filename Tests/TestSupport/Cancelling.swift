import LabCore
import LabOS
import PyLab

/// Cancels `cancellation` from another thread as soon as `isRunning()` holds: a cancellation test stops work that
/// has really started, instead of guessing with a fixed sleep. After `seconds` it cancels anyway, so no test hangs.
package func cancel(_ cancellation: Cancellation, once isRunning: @escaping @Sendable () -> Bool, within seconds: Double = 10) throws {
    try OSThread.detach(name: "test-cancel") {
        _ = eventually(within: seconds, isRunning)
        cancellation.cancel()
    }
}

/// The interpreter's "a thread is running snippet code" signal, for tests that need work to have started.
package final class StartSignal: PyEventObserver {
    private let started = Locked(false)
    package init() {}
    package var isObserving: Bool { true }
    package var hasStarted: Bool { started.withLock { $0 } }
    package func observe(_ event: PyEvent, thread: String) {
        if event == .threadStarted { started.withLock { $0 = true } }
    }
}

/// Runs `body` on an OS thread of its own and waits for its answer without holding one of the few threads every test
/// shares: a test that blocks for a minute on one of them (two on a 2-core machine) starves quick tests past their
/// time limits. `body` must not record test issues itself (#expect belongs to the test's task): it returns what the
/// test then checks.
package func offThePool<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        do {
            _ = try OSThread.detach(name: name) {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
        } catch {
            continuation.resume(throwing: error)
        }
    }
}
