import LabOS
import Synchronization
import LabCore
import PyLab

/// What a worker process runs: a workload (the same words as `thread spawn`), a fixed-work job of
/// `par compare` (after `--job`), or a Python snippet (after `--py`).
package enum WorkerTask: Sendable, Equatable {
    case workload(Workload)
    case job(NativeJob)
    case snippet(String)

    package init(words: [String]) throws {
        if words.first == WorkerMode.jobFlag {
            self = .job(try NativeJob(words: Array(words.dropFirst())))
        } else if words.first == WorkerMode.pyFlag {
            guard words.count == 2 else { throw UsageError("--py takes one argument, the snippet") }
            self = .snippet(words[1])
        } else {
            self = .workload(try Workload(words: words))
        }
    }

    package var words: [String] {
        switch self {
        case .workload(let workload): return workload.words
        case .job(let job): return [WorkerMode.jobFlag] + job.words
        case .snippet(let snippet): return [WorkerMode.pyFlag, snippet]
        }
    }

    package func run() -> WorkloadEnd {
        switch self {
        case .workload(let workload): return WorkerMode.run(workload)
        case .job(let job): return job.perform()
        case .snippet(let snippet): return SnippetParallelJob.runInWorker(snippet)
        }
    }
}

/// Worker mode: `conclab __worker WORKLOAD…` is how the shell starts itself as a child process.
/// Checked before argument parsing so a worker starts as fast as the binary can.
///
/// A worker starts already bound to die with its parent (the shell set PR_SET_PDEATHSIG before it ran), says
/// hello over its channel (a socket the shell holds the other end of, at the number `CONCLAB_CHANNEL_FD` names),
/// runs, reports what it did, and exits.
public enum WorkerMode {
    public static let flag = "__worker"
    /// Names the descriptor of the worker's channel to the shell (the lowest number the shell had free).
    public static let channelVariable = "CONCLAB_CHANNEL_FD"
    package static let jobFlag = WorkerWords.job
    package static let pyFlag = WorkerWords.snippet
    /// The name a worker's main thread takes (what `ps` and /proc/PID/stat show).
    public static let processName = "conclab-worker"

    /// Called by conclab's `main`: this program can run as a worker, so workers are copies of it. A test runner
    /// that links LabKit is not conclab and must not start copies of itself; its tests name the built conclab here.
    public static func useExecutable(_ path: String? = System.executablePath()) {
        WorkerExecutable.use(path)
    }

    /// What a worker or the fork server finds in its environment besides the shell's: where its channel is.
    package static func environment(channel: Int32) -> [String: String] {
        [channelVariable: String(channel)]
    }

    /// See `WorkerExecutable.childAttributes`.
    package static var childAttributes: ChildProcess.Attributes { WorkerExecutable.childAttributes }

    /// See `WorkerExecutable.configuration`.
    package static func childConfiguration(_ arguments: [String], environment: [String: String] = [:],
                                           descriptors: [ChildProcess.DescriptorMapping]) throws -> ChildProcess.Configuration {
        do { return try WorkerExecutable.configuration(arguments, environment: environment, descriptors: descriptors) }
        catch let error as CommandError { throw SpawnError(error.message) }
    }

    /// The program workers and the fork server run.
    package static func executable() throws -> String {
        do { return try WorkerExecutable.path() } catch { throw SpawnError("\(error)") }
    }

    /// Runs a worker and never returns.
    public static func main(_ arguments: [String]) -> Never {
        let channel = System.environment(channelVariable).flatMap { Int32($0) }.flatMap { Descriptors.isOpen($0) ? $0 : nil }
        serve(arguments, channel: channel, startMethod: .spawn)
    }

    /// Says hello, runs the task, reports how it ended, and exits (without atexit handlers: a worker forked
    /// by the fork server must not run its parent's).
    package static func serve(_ words: [String], channel fd: Int32?, startMethod: StartMethod) -> Never {
        OSThread.setCurrentName(processName)
        let channel = fd.map { FrameChannel(fd: $0) }
        func tell(_ message: WorkerMessage) { try? channel?.send(message.frame, timeoutMilliseconds: 5_000) }
        tell(.hello(pid: System.processID, startMethod: startMethod))
        let task: WorkerTask
        do {
            task = try WorkerTask(words: words)
        } catch {
            tell(.failure("\(error)"))
            try? FileDescriptor.standardError.writeAll("conclab worker: \(error)\n")
            System.immediateExit(2)
        }
        let startedAt = Clock.monotonicNanoseconds()
        let end = task.run()
        let usage = ResourceUsage.current(.process)
        let cpu = usage.userNanoseconds + usage.systemNanoseconds
        let done: WorkerMessage.Done
        switch end {
        case .completed(let result):
            done = .init(outcome: "completed", result: result, cpuNanoseconds: cpu, maxRSSBytes: usage.maxRSSBytes, taskStartedAt: startedAt)
        case .stopped:
            done = .init(outcome: "stopped", result: nil, cpuNanoseconds: cpu, maxRSSBytes: usage.maxRSSBytes, taskStartedAt: startedAt)
        case .failed(let why):
            done = .init(outcome: "failed", result: why, cpuNanoseconds: cpu, maxRSSBytes: usage.maxRSSBytes, taskStartedAt: startedAt)
        }
        tell(.done(done))
        if case .failed(let why) = end {
            try? FileDescriptor.standardError.writeAll("conclab worker: \(why)\n")
            System.immediateExit(1)
        }
        System.immediateExit(0)
    }

    /// A workload inside a worker. `lockseq` plays both parties of the classic deadlock on the worker's own locks:
    /// this thread takes them in the order given while a second thread takes them in reverse, so with a hold
    /// time the worker deadlocks for real, and only killing it ends it.
    package static func run(_ workload: Workload) -> WorkloadEnd {
        if case .sleep(let ms) = workload {
            // Nothing can ask a process to stop early (it is killed instead), so one long sleep: the worker stays
            // in state "sleeping" throughout instead of waking every few milliseconds to check a stop flag.
            System.sleep(nanoseconds: Time.nanoseconds(milliseconds: ms))
            return .completed(result: nil)
        }
        guard case .lockseq(let names, let hold, let meet) = workload else { return workload.perform() }
        let table = LockTable()
        var ids: [String: Int] = [:]
        for name in names where ids[name] == nil { ids[name] = table.create(name: name) }
        let reverse = Workload.lockseq(locks: names.reversed(), holdMilliseconds: hold, meet: meet)
        let second = LabLockSet(table: table, owner: LockOwner(id: 2, name: "worker thread 2"), ids: ids)
        let secondDone = Gate(false)
        do {
            try OSThread.detach(name: "conclab-worker2") {
                reverse.perform(locks: second)
                secondDone.update { $0 = true }
            }
        } catch {
            return .failed("cannot start the second thread: \(error)")
        }
        let end = workload.perform(locks: LabLockSet(table: table, owner: LockOwner(id: 1, name: "worker thread 1"), ids: ids))
        _ = secondDone.wait { $0 ? true : nil }
        return end
    }
}
