import LabOS

/// Fixed work for `par compare`: the same amount whoever runs it, so N of them on N cores can finish sooner.
/// (`spin MS` of `thread spawn` spins for MS of wall-clock time, which any number of threads "finishes" on time.)
enum NativeJob: Sendable, Equatable {
    /// Burns this much CPU time, measured on the thread's own CPU clock: waiting for a core does not count.
    case spin(cpuMilliseconds: Int)
    /// SHA-256 over this many MiB (the `hash MB` workload).
    case hash(megabytes: Int)

    static let names = ["spin", "hash"]

    init(workload: Workload) throws {
        switch workload {
        case .spin(let ms): self = .spin(cpuMilliseconds: ms)
        case .hash(let mb): self = .hash(megabytes: mb)
        default:
            throw UsageError("par compare runs CPU-bound work: spin MS or hash MB, not '\(workload)'")
        }
    }

    init(words: [String]) throws { self = try NativeJob(workload: Workload(words: words)) }

    var words: [String] {
        switch self {
        case .spin(let ms): return ["spin", String(ms)]
        case .hash(let mb): return ["hash", String(mb)]
        }
    }

    var description: String { words.joined(separator: " ") }

    func perform(shouldStop: () -> Bool = { false }) -> WorkloadEnd {
        switch self {
        case .spin(let ms):
            let budget = Int64(ms) * 1_000_000
            let start = Clock.threadCPUNanoseconds()
            var x: UInt64 = 88172645463325252
            while true {
                // xorshift: work the optimiser cannot drop; the CPU clock is read every 20,000 rounds (~50 µs).
                for _ in 0..<20_000 { x ^= x << 13; x ^= x >> 7; x ^= x << 17 }
                if Clock.threadCPUNanoseconds() - start >= budget { break }
                if shouldStop() { return .stopped }
            }
            return .completed(result: x == 0 ? "0" : nil)
        case .hash(let mb):
            return Workload.hash(megabytes: mb).perform(shouldStop: shouldStop)
        }
    }
}

/// A job `par compare` runs sequentially, in threads and in processes. Native jobs (spin, hash) are one kind;
/// the snippet interpreter plugs in another (a Python snippet, run with the GIL and without it).
public protocol ParallelJob: Sendable {
    /// How the job is shown (`spin 300`).
    var description: String { get }
    /// The rows for threads, in order: `["threads"]` for native code, which needs no GIL; a snippet has one per
    /// GIL setting (`["threads (GIL)", "threads (no GIL)"]`).
    var threadModes: [String] { get }
    /// Runs the job `count` times, one after another, on the calling thread; `progress` gets the number done.
    /// Throws `JobStopped` when `cancellation` stopped it early.
    func runSequentially(count: Int, progress: @escaping @Sendable (Int) -> Void, cancellation: Cancellation) throws
    /// Runs the job once in each of `count` new threads at once, in one of `threadModes`; returns when all have ended.
    func runInThreads(count: Int, mode: String, progress: @escaping @Sendable (Int) -> Void, cancellation: Cancellation) throws
    /// The words after `conclab __worker` that make a worker process run the job once.
    var workerWords: [String] { get }
}

/// The job stopped early because the command was cancelled.
struct JobStopped: Error {}

/// spin and hash in native code: they need no GIL, so threads run in parallel as processes do.
struct NativeParallelJob: ParallelJob {
    let job: NativeJob

    var description: String { job.description }
    var threadModes: [String] { ["threads"] }
    var workerWords: [String] { [WorkerMode.jobFlag] + job.words }

    func runSequentially(count: Int, progress: @escaping @Sendable (Int) -> Void, cancellation: Cancellation) throws {
        let shouldStop = { cancellation.isCancelled }
        for done in 0..<count {
            if job.perform(shouldStop: shouldStop) == .stopped { throw JobStopped() }
            progress(done + 1)
        }
    }

    func runInThreads(count: Int, mode: String, progress: @escaping @Sendable (Int) -> Void, cancellation: Cancellation) throws {
        let shouldStop: @Sendable () -> Bool = { cancellation.isCancelled }
        let finished = Gate((done: 0, stopped: false))
        var started = 0
        var failure: OSError?
        let job = self.job
        for index in 0..<count {
            do {
                try OSThread.detach(name: "conclab-par\(index + 1)") {
                    let end = job.perform(shouldStop: shouldStop)
                    finished.update { state in
                        state.done += 1
                        if end == .stopped { state.stopped = true }
                        progress(state.done)
                    }
                }
                started += 1
            } catch {
                failure = error
                break
            }
        }
        let (_, stopped) = finished.wait { $0.done == started ? ($0.done, $0.stopped) : nil } ?? (0, true)
        if let failure { throw CommandError("could only start \(started) of \(count) threads: \(failure)") }
        if stopped { throw JobStopped() }
    }
}

