import LabOS
import LabCore

/// Fixed work for `par compare`: the same amount whoever runs it, so N of them on N cores can finish sooner.
/// (`spin MS` of `thread spawn` spins for MS of wall-clock time, which any number of threads "finishes" on time.)
package enum NativeJob: Sendable, Equatable {
    /// Burns this much CPU time, measured on the thread's own CPU clock: waiting for a core does not count.
    case spin(cpuMilliseconds: Int)
    /// SHA-256 over this many MiB (the `hash MB` workload).
    case hash(megabytes: Int)

    package static let names = ["spin", "hash"]

    package init(workload: Workload) throws {
        switch workload {
        case .spin(let ms): self = .spin(cpuMilliseconds: ms)
        case .hash(let mb): self = .hash(megabytes: mb)
        default:
            throw UsageError("par compare runs CPU-bound work: spin MS or hash MB, not '\(workload)'")
        }
    }

    package init(words: [String]) throws { self = try NativeJob(workload: Workload(words: words)) }

    package var words: [String] {
        switch self {
        case .spin(let ms): return ["spin", String(ms)]
        case .hash(let mb): return ["hash", String(mb)]
        }
    }

    package var description: String { words.joined(separator: " ") }

    package func perform(stop: Cancellation? = nil) -> WorkloadEnd {
        switch self {
        case .spin(let ms):
            let budget = Time.nanoseconds(milliseconds: ms)
            let start = Clock.threadCPUNanoseconds()
            var x: UInt64 = 88172645463325252
            while true {
                // xorshift: work the optimiser cannot drop; the CPU clock is read every 20,000 rounds (~50 µs).
                for _ in 0..<20_000 { x ^= x << 13; x ^= x >> 7; x ^= x << 17 }
                if Clock.threadCPUNanoseconds() - start >= budget { break }
                if stop?.isCancelled ?? false { return .stopped }
            }
            return .completed(result: x == 0 ? "0" : nil)
        case .hash(let mb):
            return Workload.hash(megabytes: mb).perform(stop: stop)
        }
    }
}

/// spin and hash in native code: they need no GIL, so threads run in parallel as processes do.
package struct NativeParallelJob: ParallelJob {
    package let job: NativeJob

    package init(job: NativeJob) { self.job = job }

    package var description: String { job.description }
    package var threadModes: [ThreadMode] { [.native] }
    package var workerWords: [String] { [WorkerWords.job] + job.words }

    package func runSequentially(count: Int, progress: @escaping @Sendable (Int) -> Void, cancellation: Cancellation) throws -> Int64 {
        let start = Clock.threadCPUNanoseconds()
        for done in 0..<count {
            if job.perform(stop: cancellation) == .stopped { throw JobStopped() }
            progress(done + 1)
        }
        return Clock.threadCPUNanoseconds() - start
    }

    package func runInThreads(count: Int, mode: ThreadMode, progress: @escaping @Sendable (Int) -> Void, cancellation: Cancellation) throws -> Int64 {
        let finished = Gate((done: 0, stopped: false, cpu: Int64(0)))
        var started = 0
        var failure: OSError?
        let job = self.job
        for index in 0..<count {
            do {
                try OSThread.detach(name: "conclab-par\(index + 1)") {
                    let start = Clock.threadCPUNanoseconds()
                    let end = job.perform(stop: cancellation)
                    let cpu = Clock.threadCPUNanoseconds() - start
                    finished.update { state in
                        state.done += 1
                        state.cpu += cpu
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
        let (stopped, cpu) = finished.wait { $0.done == started ? ($0.stopped, $0.cpu) : nil } ?? (true, 0)
        if let failure { throw CommandError("could only start \(started) of \(count) threads: \(failure)") }
        if stopped { throw JobStopped() }
        return cpu
    }
}

