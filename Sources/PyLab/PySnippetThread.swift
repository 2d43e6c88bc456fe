import LabOS
import Synchronization
import LabCore

/// A snippet running on its own OS thread in the background, sharing the session's globals: what
/// `thread spawn --py SNIPPET` makes. It is a live object of kind "thread"; `close` (and leaving the shell)
/// asks it to stop — a KeyboardInterrupt inside the snippet at its next check — and waits briefly.
public final class PySnippetThread: LabObject {
    package struct Status: Sendable {
        package var handle = ""
        package var tid: Int32 = 0
        package var phase = "starting"
        package var outcome: SnippetOutcome?
        package var startedAt = Clock.monotonicNanoseconds()
        package var endedAt: Int64?
    }

    public let snippet: String
    package let runtime: PyRuntime
    package let code: CodeObject
    private let status = Gate(Status())
    private let threadState = Locked<PyThreadState?>(nil)
    package static let closeWaitNanoseconds: Int64 = 500_000_000

    public var kind: ObjectKind { .thread }

    package init(runtime: PyRuntime, snippet: String, code: CodeObject) {
        self.runtime = runtime
        self.snippet = snippet
        self.code = code
    }

    /// Starts the OS thread; `handle` names it (`conclab-t1` in `ps -L`).
    public func start(handle: String) throws {
        status.update { $0.handle = handle }
        let name = handle
        do {
            try OSThread.detach(name: String(decoding: Array(("conclab-" + handle).utf8.prefix(15)), as: UTF8.self)) { [self] in
                let ts = PyThreadState(runtime: runtime, name: name, cancellation: nil)
                threadState.withLock { $0 = ts }
                status.update {
                    $0.tid = System.threadID
                    $0.phase = "running"
                }
                // The timeline hears the thread's start and end, as it does for `py --threads` threads.
                runtime.gil.report(.threadStarted, thread: name)
                let outcome = runtime.run(code, on: ts)
                runtime.gil.report(.threadEnded(error: outcome.errorSummary), thread: name)
                threadState.withLock { $0 = nil }
                status.update {
                    $0.outcome = outcome
                    $0.phase = outcome.errorType == "KeyboardInterrupt" ? "cancelled" : outcome.error == nil ? "done" : "failed: \(outcome.errorType ?? "error")"
                    $0.endedAt = Clock.monotonicNanoseconds()
                }
            }
        } catch {
            throw CommandError("cannot start a thread: \(error)")
        }
    }

    public var state: String { status.update { $0.phase } }

    public var isFinished: Bool { status.update { $0.endedAt != nil } }

    public var summary: String {
        let s = status.update { $0 }
        let text = snippet.count > 40 ? String(snippet.prefix(39)) + "…" : snippet
        return (s.tid == 0 ? "" : "tid \(s.tid): ") + "py " + text.replacingNewlines()
    }

    /// Output the snippet printed so far is only known once it ended.
    public var output: String? { status.update { $0.outcome?.output } }

    public func details() -> Record {
        let s = status.update { $0 }
        var record = Record([("tid", s.tid == 0 ? .null : .int(Int(s.tid))),
                             ("workload", .string("py " + snippet)),
                             ("state", .string(s.phase))])
        record.append("elapsed_ms", .ms((s.endedAt ?? Clock.monotonicNanoseconds()) - s.startedAt))
        record.append("cpu_ms", s.outcome.map { .ms($0.cpuNanoseconds) } ?? .null)
        record.append("output", s.outcome.map { .string($0.output) } ?? .null)
        record.append("error", s.outcome?.error.map(Value.string) ?? .null)
        return record
    }

    /// Asks the snippet to stop: a KeyboardInterrupt at its next check, delivered once. False while the thread has
    /// no thread state yet (still starting), when there is nobody to ask.
    @discardableResult
    public func requestStop() -> Bool {
        threadState.withLock { state in
            state?.stop.cancel()
            return state != nil
        }
    }

    /// Waits until the thread has ended, or the timeout passes; true if it ended.
    public func waitUntilFinished(timeoutNanoseconds: Int64?) -> Bool {
        status.wait(timeoutNanoseconds: timeoutNanoseconds) { s -> Bool? in s.endedAt != nil ? true : nil } ?? false
    }

    /// Waits until the thread has ended (true), the timeout passes or `cancellation` is cancelled (false), in one
    /// blocking wait.
    package func waitUntilFinished(timeoutNanoseconds: Int64?, or cancellation: Cancellation) -> Bool {
        cancellation.wakingOnCancel({ [status] in status.update { _ in } }) {
            status.wait(timeoutNanoseconds: timeoutNanoseconds) { s -> Bool? in
                s.endedAt != nil ? true : (cancellation.isCancelled ? false : nil)
            } ?? false
        }
    }

    public func close() throws {
        if isFinished { return }
        // It may not have made its thread state yet: ask again until it stops or the time is up.
        let deadline = Clock.monotonicNanoseconds() + Self.closeWaitNanoseconds
        while Clock.monotonicNanoseconds() < deadline {
            requestStop()
            if waitUntilFinished(timeoutNanoseconds: 10_000_000) { return }
        }
        throw CommandError("\(status.update { $0.handle }) did not stop within \(Self.closeWaitNanoseconds / 1_000_000) ms (\(state))")
    }
}

extension PyRuntime {
    /// Compiles `snippet` (a command line's `\n` stand for new lines) and makes a thread object for it, not yet
    /// started: add it to the object table, then `start(handle:)` it with its handle.
    public func makeThread(snippet: String) throws -> PySnippetThread {
        try makeThread(source: SnippetText.expandingNewlines(snippet), shownAs: snippet)
    }

    /// The same for Python source as it is (the text of a file: no `\n` expansion); `shownAs` is what `ls` shows.
    public func makeThread(source: String, shownAs: String) throws -> PySnippetThread {
        do {
            return PySnippetThread(runtime: self, snippet: shownAs, code: try compile(source))
        } catch {
            throw CommandError(error.description)
        }
    }

    /// Compiles and starts `snippet` on a new OS thread sharing this runtime's globals; `name` becomes its
    /// handle and OS thread name. The caller adds the object to the session's object table.
    public func spawnThread(snippet: String, name: String) throws -> PySnippetThread {
        let thread = try makeThread(snippet: snippet)
        try thread.start(handle: name)
        return thread
    }
}
