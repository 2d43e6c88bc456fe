import LabOS
import Synchronization
import LabCore

/// `par compare --py SNIPPET` and `proc spawn --py SNIPPET`: a Python snippet as a job that runs sequentially, on
/// threads of one interpreter with the GIL and without it, and in worker processes (each with an interpreter of
/// its own).
///
/// Every part gets a fresh interpreter, so one part's globals never leak into the next and the session's `py`
/// globals are left alone. As in Python, threads of one interpreter share its globals: work meant to be
/// independent belongs in a function, whose locals are each thread's own.
package struct SnippetParallelJob: ParallelJob {
    /// The snippet as the learner wrote it (`\n` not yet expanded): how it is shown and what a worker receives.
    package let snippet: String
    /// The Python source (`\n` expanded).
    package let source: String
    /// Who hears the threads' start, end and GIL events (the timeline, `trace par compare --py …`), if anyone.
    package let observer: (any PyEventObserver)?

    /// A worker gets the snippet as one argument: argv strings are limited (128 KiB each on Linux), so are snippets.
    package static let maximumLength = 64 * 1024

    /// Checks the snippet (length, no NUL, compiles) so a mistake is reported once, before anything runs.
    package init(snippet: String, observer: (any PyEventObserver)? = nil) throws {
        guard snippet.utf8.count <= Self.maximumLength else {
            throw CommandError("the snippet is \(snippet.utf8.count) bytes; at most \(Self.maximumLength) can be given to a worker process")
        }
        guard !snippet.utf8.contains(0) else { throw CommandError("the snippet contains a NUL byte") }
        guard !snippet.trimmed().isEmpty else { throw CommandError("the snippet is empty: give some Python, e.g. --py 'print(1)'") }
        self.snippet = snippet
        self.observer = observer
        self.source = SnippetText.expandingNewlines(snippet)
        do { _ = try PyRuntime().compile(source) } catch { throw CommandError(error.description) }
    }

    package var description: String { "py: " + Self.shortText(snippet) }
    package var threadModes: [ThreadMode] { [.gil, .noGIL] }
    package var workerWords: [String] { [WorkerWords.snippet, snippet] }

    /// A snippet on one line for tables: `def work():\n    i = 0…` cut after 40 characters.
    package static func shortText(_ snippet: String) -> String {
        var line = ""
        for ch in snippet { if ch == "\n" { line += "\\n" } else { line.append(ch) } }
        return line.count <= 40 ? line : String(line.prefix(39)) + "…"
    }

    /// The interpreter a part runs in: the GIL on or off. Without the GIL, reference counts are biased (each
    /// object's owner counts without atomics, other threads atomically), as in free-threaded CPython.
    package static func runtime(gil: Bool, observer: (any PyEventObserver)? = nil) -> PyRuntime {
        var settings = PySettings()
        settings.gilEnabled = gil
        settings.refcount = gil ? .plain : .biased
        let runtime = PyRuntime(settings: settings)
        if let observer { runtime.gil.attach(observer) }
        return runtime
    }

    private func compiled(in runtime: PyRuntime) throws -> CodeObject {
        do { return try runtime.compile(source) } catch { throw CommandError(error.description) }
    }

    package func runSequentially(count: Int, progress: @escaping @Sendable (Int) -> Void, cancellation: Cancellation) throws {
        let runtime = Self.runtime(gil: true, observer: observer)
        let code = try compiled(in: runtime)
        for done in 0..<count {
            observer?.report(.threadStarted, thread: "sequential")
            let outcome = runtime.runHere(code, name: "sequential", cancellation: cancellation)
            observer?.report(.threadEnded(error: nil), thread: "sequential")
            if cancellation.isCancelled { throw JobStopped() }
            if let error = outcome.errorSummary ?? outcome.error { throw CommandError("run \(done + 1): \(error)") }
            progress(done + 1)
        }
    }

    package func runInThreads(count: Int, mode: ThreadMode, progress: @escaping @Sendable (Int) -> Void, cancellation: Cancellation) throws {
        let withGIL = mode != .noGIL
        let runtime = Self.runtime(gil: withGIL, observer: observer)
        let code = try compiled(in: runtime)
        let finished = Atomic<Int>(0)
        let team = try runtime.runTeam(code, count: count, cancellation: cancellation, threadName: withGIL ? "gil" : "nogil",
                                       observer: observer, onThreadEnd: { _ in
            progress(finished.add(1, ordering: .relaxed).newValue)
        })
        if team.cancelled { throw JobStopped() }
        if let failed = team.threads.first(where: { $0.error != nil }) {
            throw CommandError("\(failed.threadName): \(failed.errorSummary ?? failed.error ?? "failed")")
        }
    }

    /// In a worker process: runs the snippet once in an interpreter of the worker's own. The result is what the
    /// snippet printed (its end, when long), or the exception that ended it.
    package static func runInWorker(_ snippet: String) -> WorkloadEnd {
        let runtime = runtime(gil: true)
        let code: CodeObject
        do { code = try runtime.compile(SnippetText.expandingNewlines(snippet)) } catch {
            return .failed(error.description)
        }
        let outcome = runtime.runHere(code, name: "main", cancellation: nil)
        if let error = outcome.errorSummary ?? outcome.error { return .failed(error) }
        var output = outcome.output
        while output.last == "\n" { output.removeLast() }
        let limit = 16 * 1024
        if output.utf8.count > limit { output = "…" + String(output.suffix(limit)) }
        return .completed(result: output.isEmpty ? nil : output)
    }
}
