import LabOS

/// A job `par compare` runs sequentially, in threads and in processes. Native jobs (spin, hash) are one kind;
/// the snippet interpreter plugs in another (a Python snippet, run with the GIL and without it).
public protocol ParallelJob: Sendable {
    /// How the job is shown (`spin 300`).
    var description: String { get }
    /// The rows for threads, in order: `["threads"]` for native code, which needs no GIL; a snippet has one per
    /// GIL setting (`["threads (GIL)", "threads (no GIL)"]`).
    var threadModes: [ThreadMode] { get }
    /// Runs the job `count` times, one after another, on the calling thread; `progress` gets the number done.
    /// Returns the CPU time the job's thread used (the kernel's count for that thread, not the whole process's).
    /// Throws `JobStopped` when `cancellation` stopped it early.
    func runSequentially(count: Int, progress: @escaping @Sendable (Int) -> Void, cancellation: Cancellation) throws -> Int64
    /// Runs the job once in each of `count` new threads at once, in one of `threadModes`; returns when all have ended,
    /// with the CPU time those threads used together.
    func runInThreads(count: Int, mode: ThreadMode, progress: @escaping @Sendable (Int) -> Void, cancellation: Cancellation) throws -> Int64
    /// The words after `conclab __worker` that make a worker process run the job once.
    var workerWords: [String] { get }
}

/// The job stopped early because the command was cancelled.
package struct JobStopped: Error {
    package init() {}
}


/// How `par compare` runs a job in threads: native code needs no GIL; a snippet runs under the GIL or without it.
public enum ThreadMode: String, Sendable, CaseIterable {
    case native = "threads"
    case gil = "threads (GIL)"
    case noGIL = "threads (no GIL)"
}

/// The words after `conclab __worker` that pick what a worker runs (the rest are a workload's words).
public enum WorkerWords {
    /// A fixed-work job of `par compare` follows.
    public static let job = "--job"
    /// A Python snippet follows, as one word.
    public static let snippet = "--py"
}
