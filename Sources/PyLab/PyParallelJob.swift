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
    /// How many times one job runs the snippet (`par compare` sizes a job by time: a short snippet runs several
    /// times per job, so every row lasts long enough to measure).
    package let times: Int

    /// A worker gets the snippet as one argument: argv strings are limited (128 KiB each on Linux), so are snippets.
    package static let maximumLength = 64 * 1024

    /// Checks the snippet (length, no NUL, compiles) so a mistake is reported once, before anything runs.
    package init(snippet: String, observer: (any PyEventObserver)? = nil, times: Int = 1) throws {
        guard snippet.utf8.count <= Self.maximumLength else {
            throw CommandError("the snippet is \(snippet.utf8.count) bytes; at most \(Self.maximumLength) can be given to a worker process")
        }
        guard !snippet.utf8.contains(0) else { throw CommandError("the snippet contains a NUL byte") }
        guard !snippet.trimmed().isEmpty else { throw CommandError("the snippet is empty: give some Python, e.g. --py 'print(1)'") }
        let once = SnippetText.expandingNewlines(snippet)
        do { _ = try PyRuntime().compile(once) } catch { throw CommandError(error.description) }
        self.snippet = snippet
        self.observer = observer
        self.times = max(1, times)
        self.source = Self.repeated(once, times: self.times)
        guard source.utf8.count <= Self.maximumLength else {
            throw CommandError("the snippet repeated \(times) times is \(source.utf8.count) bytes; at most \(Self.maximumLength) can be given to a worker process")
        }
    }

    /// The snippet as the body of a loop that runs it `times` times in the same interpreter, as running it again
    /// would (its globals are module globals either way). One time: the snippet unchanged.
    package static func repeated(_ source: String, times: Int) -> String {
        guard times > 1 else { return source }
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        let indent = lines.contains { $0.hasPrefix("\t") } ? "\t" : "    "
        let body = lines.map { $0.allSatisfy { $0 == " " || $0 == "\t" } ? "" : indent + $0 }
        // `pass` closes whatever block the snippet ends in and keeps a body of comments alone valid.
        return (["for _conclab_run in range(\(times)):"] + body + [indent + "pass"]).joined(separator: "\n")
    }

    package var description: String { "py: " + Self.shortText(snippet) }
    package var threadModes: [ThreadMode] { [.gil, .noGIL] }
    /// A worker gets the snippet as typed, or the loop around it when a job runs it several times (already expanded:
    /// expanding `\n` again changes nothing outside string literals, and inside them nothing is expanded).
    package var workerWords: [String] { [WorkerWords.snippet, times > 1 ? source : snippet] }

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

    package func runSequentially(count: Int, progress: @escaping @Sendable (Int) -> Void, cancellation: Cancellation) throws -> Int64 {
        let runtime = Self.runtime(gil: true, observer: observer)
        let code = try compiled(in: runtime)
        var cpu: Int64 = 0
        for done in 0..<count {
            observer?.report(.threadStarted, thread: "sequential")
            let outcome = runtime.runHere(code, name: "sequential", cancellation: cancellation)
            observer?.report(.threadEnded(error: nil), thread: "sequential")
            if cancellation.isCancelled { throw JobStopped() }
            if let error = outcome.errorSummary ?? outcome.error { throw CommandError("run \(done + 1): \(error)") }
            cpu += outcome.cpuNanoseconds
            progress(done + 1)
        }
        return cpu
    }

    /// Runs the snippet once, as typed, in an interpreter of its own on the calling thread: how long it takes, in
    /// nanoseconds of wall time (what `par compare` sizes its jobs by).
    package func timeOnce(cancellation: Cancellation) throws -> Int64 {
        let runtime = Self.runtime(gil: true)
        let code: CodeObject
        do { code = try runtime.compile(SnippetText.expandingNewlines(snippet)) } catch { throw CommandError(error.description) }
        let outcome = runtime.runHere(code, name: "calibration", cancellation: cancellation)
        if cancellation.isCancelled { throw JobStopped() }
        if let error = outcome.errorSummary ?? outcome.error { throw CommandError(error) }
        return outcome.wallNanoseconds
    }

    package func runInThreads(count: Int, mode: ThreadMode, progress: @escaping @Sendable (Int) -> Void, cancellation: Cancellation) throws -> Int64 {
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
        return team.threads.reduce(0) { $0 + $1.cpuNanoseconds }
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
