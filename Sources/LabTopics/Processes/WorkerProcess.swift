import LabOS
import Synchronization
import LabCore
import PyLab

/// How a worker is started, named as in Python's `multiprocessing`.
public enum StartMethod: String, Sendable, CaseIterable {
    /// posix_spawn of a fresh `conclab __worker`: a new program starts from nothing (Swift runtime and all).
    case spawn
    /// The fork server, a single-threaded conclab started once, forks a copy of itself for each worker.
    case forkserver

    package static let names = allCases.map(\.rawValue)
}

/// Why a worker could not be started or did not answer.
public struct SpawnError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A child process running conclab in worker mode, as the shell sees it: its pid, its channel, and how it ended.
///
/// Ended workers are not reaped behind the learner's back: until `proc wait`, `close` or the end of the session,
/// an ended worker stays a zombie (state `zombie`, its exit status already known through `waitid(WNOWAIT)`),
/// because that is what an unwaited child is. The object table alone reaps it.
package final class WorkerProcess: ChildProcessObject {
    package let pid: Int32
    /// What it runs, as words (`spin 500`).
    package let task: String
    /// The descriptor number of its channel in the worker, when the shell spawned it (the fork server's workers
    /// get theirs from the server).
    package let channelNumber: Int32?
    package let startMethod: StartMethod
    /// Set for workers the fork server forked: it, not the shell, is their parent and reaps them.
    package let server: ForkServer?
    package let startedAt: Int64
    /// From the start request to the worker's hello.
    package let startupNanoseconds: Int64

    private struct Inner {
        var channel: FrameChannel?
        var done: WorkerMessage.Done?
        var failure: String?
        var channelProblem: String?
        var reaped: TerminationStatus?
        var usage: ChildUsage?
        /// The shell sent it a signal (`proc kill`, `close`): its end is no surprise.
        var signalledByShell = false
        /// Its end has been looked at by the watcher (see `takeEnd`).
        var reported = false
    }

    private let inner: Locked<Inner>

    package var kind: ObjectKind { .process }

    package var isLive: Bool { !isReaped }
    package var purpose: String { "worker: \(task)" }
    package var descriptorNotes: [Int32: String] {
        channelNumber.map { [$0: "channel to the shell (worker protocol)"] } ?? [:]
    }

    private init(pid: Int32, task: String, startMethod: StartMethod, server: ForkServer?, channel: FrameChannel,
                 channelNumber: Int32?, startedAt: Int64, startupNanoseconds: Int64) {
        self.pid = pid
        self.task = task
        self.channelNumber = channelNumber
        self.startMethod = startMethod
        self.server = server
        self.startedAt = startedAt
        self.startupNanoseconds = startupNanoseconds
        inner = Locked(Inner(channel: channel))
    }

    // MARK: starting

    /// Starts a worker running `words` (worker-mode words) and, unless `waitForHello` is false, waits until it
    /// says hello: then it runs and is sure to die with the shell. `shouldStop` cancels the wait. `shownAs` is what
    /// `proc list` shows as its workload (the words, by default).
    package static func launch(words: [String], shownAs: String? = nil, method: StartMethod, server: ForkServer?, waitForHello: Bool = true,
                       timeoutMilliseconds: Int = 15_000, shouldStop: () -> Bool = { false }) throws -> WorkerProcess {
        let task = shownAs ?? words.joined(separator: " ")
        let start = Clock.monotonicNanoseconds()
        var channelNumber: Int32?
        let (mine, pid) = try Sockets.pairForChild { theirs -> Int32 in
            switch method {
            case .spawn:
                // The channel takes the lowest number free in the shell, so it covers no descriptor the worker inherits
                // (a file the learner opened without close-on-exec keeps its number in the worker, as in `fd child`).
                let number = Descriptors.freeNumbers(1).first ?? 3
                channelNumber = number
                return try ChildProcess.spawn(WorkerMode.childConfiguration([WorkerMode.flag] + words,
                                                                            environment: WorkerMode.environment(channel: number),
                                                                            descriptors: [.init(parent: theirs, child: number)]))
            case .forkserver:
                guard let server else { throw SpawnError("no fork server to ask") }
                return try server.spawnWorker(words: words, channel: theirs)
            }
        }
        var channel = FrameChannel(fd: mine)
        guard waitForHello else {
            return WorkerProcess(pid: pid, task: task, startMethod: method, server: server,
                                 channel: channel, channelNumber: channelNumber, startedAt: start, startupNanoseconds: 0)
        }
        let deadline = start + Time.nanoseconds(milliseconds: timeoutMilliseconds)
        var problem: String?
        while problem == nil {
            if shouldStop() { problem = "cancelled"; break }
            do {
                if let frame = try channel.receive(timeoutMilliseconds: 20) {
                    switch try WorkerMessage(frame: frame) {
                    case .hello:
                        let worker = WorkerProcess(pid: pid, task: task, startMethod: method, server: server,
                                                   channel: channel, channelNumber: channelNumber, startedAt: start,
                                                   startupNanoseconds: Clock.monotonicNanoseconds() - start)
                        return worker
                    case .failure(let message): problem = message
                    case .done: problem = "the worker finished before it said hello"
                    }
                } else {
                    problem = "it ended before saying hello"
                }
            } catch FrameError.timedOut {
                if Clock.monotonicNanoseconds() >= deadline { problem = "it did not say hello within \(timeoutMilliseconds) ms" }
            } catch {
                problem = "\(error)"
            }
        }
        // It will not be used: make sure it is gone and reaped, and say how it ended.
        channel.close()
        let status = Self.end(pid: pid, server: server)
        if problem == "cancelled" { throw Cancelled() }
        throw SpawnError("worker pid \(pid) failed to start (\(status)): \(problem ?? "")")
    }

    /// Kills (if still running) and reaps a worker that will not be tracked.
    private static func end(pid: Int32, server: ForkServer?) -> TerminationStatus {
        if let server {
            if (try? server.peek(pid)) == nil { try? ChildProcess.signal(pid, Signals.kill) }
            return server.reapBlocking(pid)?.0 ?? .signaled(Signals.kill)
        }
        if (try? ChildProcess.peek(pid)) == nil { try? ChildProcess.signal(pid, Signals.kill) }
        return (try? ChildProcess.reapWithUsage(pid, block: true))?.0 ?? .exited(-1)
    }

    // MARK: what the worker said

    /// Reads what the worker has sent so far, without waiting.
    private func drain(_ state: inout Inner) {
        guard var channel = state.channel else { return }
        do {
            for frame in try channel.receiveAvailable() {
                switch try WorkerMessage(frame: frame) {
                case .hello: break
                case .done(let done): state.done = done
                case .failure(let message): state.failure = message
                }
            }
            if channel.isAtEnd {
                channel.close()
                state.channel = nil
                return
            }
        } catch {
            state.channelProblem = "\(error)"
            channel.close()
            state.channel = nil
            return
        }
        state.channel = channel
    }

    /// How it ended, once it has (without reaping it), from the kernel.
    private func peek(_ state: inout Inner) -> TerminationStatus? {
        if let reaped = state.reaped { return reaped }
        if let server {
            // A server that quit has reaped its workers: what it reported is final.
            if server.isClosed { return reap(&state, block: false) }
            // Ask the fork server only when /proc says there is something to learn.
            if let stat = ProcFS.stat(pid: pid), !stat.state.hasEnded { return nil }
            do { return try server.peek(pid) } catch {
                // The server stopped answering and was given up: its workers died with it.
                return .signaled(Signals.kill)
            }
        }
        do { return try ChildProcess.peek(pid) } catch { return .exited(-1) }
    }

    private func reap(_ state: inout Inner, block: Bool) -> TerminationStatus? {
        if let reaped = state.reaped { return reaped }
        var result: (TerminationStatus, ChildUsage?)?
        if let server {
            result = block ? server.reapBlocking(pid) : (try? server.reap(pid))
            if result == nil && block { result = (.signaled(Signals.kill), nil) }
        } else {
            do {
                if let (status, usage) = try ChildProcess.reapWithUsage(pid, block: block) { result = (status, usage) }
            } catch {
                result = (.exited(-1), nil)
            }
        }
        guard let (status, usage) = result else { return nil }
        state.reaped = status
        state.usage = usage
        drain(&state)
        if var channel = state.channel {
            channel.close()
            state.channel = nil
        }
        return status
    }

    // MARK: the view

    /// A snapshot for listings.
    package struct Snapshot {
        package var state: String
        /// How it ended ("exited 0", "killed by SIGSEGV"), once it has, reaped or not.
        package var ended: TerminationStatus?
        package var reaped: Bool
        package var cpuMilliseconds: Double?
        package var rssBytes: Int64?
        package var done: WorkerMessage.Done?
        package var failure: String?
        package var channelProblem: String?
        package var usage: ChildUsage?
    }

    package func snapshot() -> Snapshot {
        inner.withLock { state in
            drain(&state)
            let ended = peek(&state)
            let stat = state.reaped == nil ? ProcFS.stat(pid: pid) : nil
            var name: String
            if let reaped = state.reaped { name = reaped.description }
            else if ended != nil { name = ProcessState.zombie.description }
            else { name = stat?.state.description ?? "gone" }
            var cpu = stat.map { ProcFS.milliseconds(ticks: $0.userTicks + $0.systemTicks) }
            if let usage = state.usage { cpu = Double(usage.cpuNanoseconds) / 1e6 }
            let rss = (stat?.state == .zombie) ? nil : stat.map { $0.rssPages * Int64(System.pageSize) }
            return Snapshot(state: name, ended: ended, reaped: state.reaped != nil, cpuMilliseconds: cpu, rssBytes: rss,
                            done: state.done, failure: state.failure, channelProblem: state.channelProblem, usage: state.usage)
        }
    }

    package var state: String { snapshot().state }

    /// Whether it has ended (reaped or still a zombie).
    package var hasEnded: Bool { inner.withLock { peek(&$0) != nil } }

    /// An ended worker (a zombie until `proc wait` or `close`) holds no slot of the process limit.
    package var countsTowardLimit: Bool { !hasEnded }

    package var isReaped: Bool { inner.withLock { $0.reaped != nil } }

    /// Reaps it if it has ended: its status, or nil while it runs.
    package func reapIfEnded() -> TerminationStatus? {
        inner.withLock { state in
            guard peek(&state) != nil else { return nil }
            return reap(&state, block: true)
        }
    }

    package var summary: String { "pid \(pid): \(task) (\(startMethod.rawValue))" }

    package func details() -> Record {
        let s = snapshot()
        var record = Record([("pid", .int(Int(pid))), ("start_method", .string(startMethod.rawValue)),
                             ("workload", .string(task)),
                             ("status", s.ended.map { .string($0.description) } ?? .null)])
        record.append("cpu_ms", s.cpuMilliseconds.map { .quantity($0, .milliseconds) } ?? .null)
        record.append("rss_bytes", s.rssBytes.map(Value.bytes) ?? .null)
        if !s.reaped, let rollup = ProcFS.memoryRollup(pid: pid), let pss = rollup["Pss"] { record.append("pss_bytes", .bytes(pss)) }
        record.append("startup_ms", .ms(startupNanoseconds))
        record.append("age_ms", .ms(Clock.monotonicNanoseconds() - startedAt))
        if let server { record.append("parent", .string("fork server pid \(server.pid)")) }
        if let done = s.done {
            record.append("outcome", .string(done.outcome))
            if let result = done.result { record.append("result", .string(result)) }
        }
        if let failure = s.failure { record.append("failure", .string(failure)) }
        if let problem = s.channelProblem { record.append("channel", .string(problem)) }
        return record
    }

    /// Sends `signal` unless it has already ended (then returns how it ended). Records that the shell, not a
    /// crash, is behind whatever happens next.
    package func send(_ signal: Int32) throws -> TerminationStatus? {
        try inner.withLock { state in
            if let ended = peek(&state) { return ended }
            state.signalledByShell = true
            try ChildProcess.signal(pid, signal)
            return nil
        }
    }

    /// Whether the watcher still has to see this worker end.
    package var isWatched: Bool { inner.withLock { !$0.reported } }

    /// Once it has ended (each end is taken once): how, and a line for the learner if it ended by itself badly
    /// (a signal the shell did not send, or a non-zero exit).
    package func takeEnd(handle: String) -> (status: TerminationStatus, notice: String?)? {
        inner.withLock { state in
            guard !state.reported, let ended = peek(&state) else { return nil }
            state.reported = true
            guard !state.signalledByShell, ended != .exited(0) else { return (ended, nil) }
            let how: String
            switch ended {
            case .signaled: how = "crashed: \(ended)"
            case .exited(let code): how = "failed: exit status \(code)"
            }
            return (ended, "\(handle) (pid \(pid), \(task)) \(how). 'proc wait \(handle)' reaps it.")
        }
    }

    /// Kills (SIGKILL) and reaps; a worker that already ended is only reaped.
    package func close() throws {
        inner.withLock { state in
            if state.reaped != nil { return }
            state.reported = true
            if peek(&state) == nil {
                state.signalledByShell = true
                try? ChildProcess.signal(pid, Signals.kill)
            }
            _ = reap(&state, block: true)
            if var channel = state.channel {
                channel.close()
                state.channel = nil
            }
        }
    }
}

/// Watches a session's workers in the background: notes each end on the timeline, and posts a notice when one ends
/// by itself badly, so a crash is reported (with its signal) the moment it happens, not only when the learner looks.
/// Runs only while there are workers to watch; it never reaps (the zombie stays for `proc wait`).
package final class ProcessWatcher: Sendable {
    private let running = Locked(false)

    /// Holds the session weakly: the watcher must not keep a finished session alive.
    private final class SessionReference: @unchecked Sendable {
        // Written once in init; reading a weak reference is thread-safe.
        weak var session: Session?
        init(_ session: Session) { self.session = session }
    }

    private static let stateKey = TopicKey("processes.watcher") { ProcessWatcher() }

    /// Starts the session's watcher unless it is running. Call after adding a worker to the table.
    package static func ensure(for session: Session) {
        let watcher = session.state(stateKey)
        watcher.start(SessionReference(session))
    }

    private func start(_ reference: SessionReference) {
        let starting = running.withLock { isRunning in
            if isRunning { return false }
            isRunning = true
            return true
        }
        guard starting else { return }
        do {
            try OSThread.detach(name: "conclab-procwatch") { self.watch(reference) }
        } catch {
            running.withLock { $0 = false }
        }
    }

    private func watch(_ reference: SessionReference) {
        while true {
            System.sleep(nanoseconds: 50_000_000)
            let done: Bool = running.withLock { isRunning in
                // Decided under the lock `start` takes, so a worker added meanwhile is never left unwatched.
                guard let session = reference.session else { isRunning = false; return true }
                var watched = 0
                for (handle, worker) in ProcSupport.workers(session) where worker.isWatched {
                    if let (status, notice) = worker.takeEnd(handle: handle) {
                        EventRecorder.of(session).record(handle, .exit, status.description)
                        if let notice { session.post(notice: notice) }
                    } else {
                        watched += 1
                    }
                }
                if watched == 0 { isRunning = false }
                return watched == 0
            }
            if done { return }
        }
    }
}
