import LabOS
import Synchronization
import LabCore
import PyLab

/// The fork server, as Python's `forkserver` start method has it: a single-threaded conclab, started on first
/// use, that forks a copy of itself for each worker the shell asks for. A fork of a small process costs a fraction
/// of a millisecond, where starting a fresh binary pays for the whole Swift runtime again.
///
/// It is the parent of the workers it forks, so it waits for them on the shell's behalf (`peek`, `reap`). It
/// dies with the shell (PR_SET_PDEATHSIG), and its workers die with it; on `close` it kills and reaps them all.
package final class ForkServer: ChildProcessObject {
    package let pid: Int32
    package let startedAt: Int64
    package let startupNanoseconds: Int64

    private struct Link {
        var channel: FrameChannel?
        /// Why the channel was given up, if it was.
        var problem: String?
        /// Statuses of the workers killed and reaped when the server quit.
        var finished: [Int32: TerminationStatus] = [:]
        var ended: TerminationStatus?
        var workersStarted = 0
    }

    private let link: Locked<Link>

    package var kind: ObjectKind { .forkserver }
    package var isLive: Bool { isAlive }
    package var purpose: String { "fork server" }
    package var descriptorNotes: [Int32: String] { [:] }

    /// How long one request may take before the server is given up as hung.
    package static let requestTimeoutMilliseconds = 10_000

    private init(pid: Int32, channel: FrameChannel, startedAt: Int64, startupNanoseconds: Int64) {
        self.pid = pid
        self.startedAt = startedAt
        self.startupNanoseconds = startupNanoseconds
        link = Locked(Link(channel: channel))
    }

    /// The session's fork server, started (and added to the object table) on first use.
    package static func shared(in session: Session) throws -> ForkServer {
        if let live = session.objects.all(kind: .forkserver).compactMap({ $0.object as? ForkServer }).first(where: \.isAlive) {
            return live
        }
        let server = try start()
        do { try session.objects.add(server) } catch {
            try? server.close()
            throw error
        }
        return server
    }

    /// Spawns `conclab __forkserver` with a socket on fd 3 and waits for its hello.
    package static func start(timeoutMilliseconds: Int = 15_000) throws -> ForkServer {
        let start = Clock.monotonicNanoseconds()
        let (mine, pid) = try Sockets.pairForChild { theirs in
            try ChildProcess.spawn(WorkerMode.childConfiguration([ForkServerMode.flag], environment: WorkerMode.environment(channel: 3),
                                                                 descriptors: [.init(parent: theirs, child: 3)]))
        }
        var channel = FrameChannel(fd: mine)
        do {
            guard let frame = try channel.receive(timeoutMilliseconds: timeoutMilliseconds),
                  case .hello = try WorkerMessage(frame: frame) else {
                throw SpawnError("the fork server ended before saying hello")
            }
        } catch {
            channel.close()
            try? ChildProcess.signal(pid, Signals.kill)
            let status = (try? ChildProcess.reap(pid, block: true)) ?? nil
            throw SpawnError("the fork server (pid \(pid)) did not start\(status.map { " (\($0))" } ?? ""): \(error)")
        }
        return ForkServer(pid: pid, channel: channel, startedAt: start, startupNanoseconds: Clock.monotonicNanoseconds() - start)
    }

    package var isAlive: Bool {
        link.withLock { $0.channel != nil && $0.ended == nil } && ((try? ChildProcess.peek(pid)) ?? nil) == nil
    }

    /// Whether the server has quit or been given up: its workers are gone with it.
    package var isClosed: Bool { link.withLock { $0.channel == nil } }

    /// One request, one reply, under the lock so two threads never interleave their frames.
    private func request(_ request: ForkServerRequest, passing descriptor: Int32? = nil) throws -> ForkServerReply {
        try link.withLock { state in
            guard var channel = state.channel else {
                throw SpawnError("the fork server (pid \(pid)) is gone\(state.problem.map { ": \($0)" } ?? "")")
            }
            do {
                try channel.send(request.frame, passing: descriptor, timeoutMilliseconds: Self.requestTimeoutMilliseconds)
                guard let frame = try channel.receive(timeoutMilliseconds: Self.requestTimeoutMilliseconds) else {
                    throw FrameError.closed
                }
                state.channel = channel
                let reply = try ForkServerReply(frame: frame)
                if case .failure(let message) = reply { throw SpawnError("the fork server refused: \(message)") }
                return reply
            } catch let error as SpawnError {
                throw error
            } catch {
                // Whatever went wrong, the stream can no longer be trusted: give the server up.
                channel.close()
                state.channel = nil
                state.problem = "\(error)"
                try? ChildProcess.signal(pid, Signals.kill)
                throw SpawnError("the fork server (pid \(pid)) stopped answering: \(error)")
            }
        }
    }

    /// Asks for a worker running `words`; `channel` becomes the worker's end of its socket. Returns its pid.
    package func spawnWorker(words: [String], channel: Int32) throws -> Int32 {
        guard case .spawned(let pid) = try request(.spawn(words: words), passing: channel) else {
            throw SpawnError("the fork server answered a spawn with something else")
        }
        link.withLock { $0.workersStarted += 1 }
        return pid
    }

    /// How worker `pid` ended, without reaping it; nil while it runs. Once the server is gone, its workers are too
    /// (they die with it): a worker it did not report is taken as killed.
    package func peek(_ worker: Int32) throws -> TerminationStatus? {
        if let known = link.withLock({ $0.channel == nil ? ($0.finished[worker] ?? .signaled(Signals.kill)) : nil }) { return known }
        guard case .status(let status, _) = try request(.peek(pid: worker)) else {
            throw SpawnError("the fork server answered a peek with something else")
        }
        return status
    }

    /// Reaps worker `pid` if it has ended.
    package func reap(_ worker: Int32) throws -> (TerminationStatus, ChildUsage?)? {
        if let known = link.withLock({ $0.channel == nil ? ($0.finished[worker] ?? .signaled(Signals.kill)) : nil }) { return (known, nil) }
        guard case .status(let status, let usage) = try request(.reap(pid: worker)) else {
            throw SpawnError("the fork server answered a reap with something else")
        }
        return status.map { ($0, usage) }
    }

    /// Reaps worker `pid`, waiting (in short polls, at most 5 s) for it to end.
    package func reapBlocking(_ worker: Int32) -> (TerminationStatus, ChildUsage?)? {
        let deadline = Clock.monotonicNanoseconds() + 5_000_000_000
        while true {
            do {
                if let result = try reap(worker) { return result }
            } catch {
                return nil
            }
            if Clock.monotonicNanoseconds() >= deadline { return nil }
            System.sleep(nanoseconds: 1_000_000)
        }
    }

    package var state: String {
        if let ended = link.withLock({ $0.ended }) { return ended.description }
        if let ended = (try? ChildProcess.peek(pid)) ?? nil { return "zombie (\(ended))" }
        return ProcFS.stat(pid: pid)?.state.description ?? "gone"
    }

    package var summary: String { "pid \(pid): forks workers on request (\(link.withLock { $0.workersStarted }) started)" }

    package func details() -> Record {
        let stat = ProcFS.stat(pid: pid)
        let threads = (try? ProcFS.memory(pid: pid))?.threads
        return Record([("pid", .int(Int(pid))),
                       ("workers_started", .int(link.withLock { $0.workersStarted })),
                       ("threads", threads.map { .int(Int($0)) } ?? .null),
                       ("rss_bytes", stat.map { .bytes($0.rssPages * Int64(System.pageSize)) } ?? .null),
                       ("startup_ms", .ms(startupNanoseconds)),
                       ("age_ms", .ms(Clock.monotonicNanoseconds() - startedAt))])
    }

    /// Tells the server to quit (it kills and reaps its workers and says how each ended), then reaps the server.
    package func close() throws {
        link.withLock { state in
            guard state.ended == nil else { return }
            if var channel = state.channel {
                do {
                    try channel.send(ForkServerRequest.quit.frame, timeoutMilliseconds: 2_000)
                    if let frame = try channel.receive(timeoutMilliseconds: 5_000),
                       case .finished(let list) = try ForkServerReply(frame: frame) {
                        for (worker, status) in list { state.finished[worker] = status }
                    }
                } catch {
                    state.problem = "\(error)"
                }
                channel.close()
                state.channel = nil
            }
            // It exits by itself after answering; make sure within a few seconds.
            let deadline = Clock.monotonicNanoseconds() + 3_000_000_000
            var status: TerminationStatus?
            while status == nil {
                do { status = try ChildProcess.reap(pid, block: false) } catch { status = .exited(-1) }
                if status == nil {
                    if Clock.monotonicNanoseconds() >= deadline {
                        try? ChildProcess.signal(pid, Signals.kill)
                        status = (try? ChildProcess.reap(pid, block: true)) ?? .exited(-1)
                    } else {
                        System.sleep(nanoseconds: 1_000_000)
                    }
                }
            }
            state.ended = status
        }
    }
}

/// Fork-server mode: `conclab __forkserver`, checked before argument parsing like worker mode.
///
/// The loop stays on one thread and never starts another, so `fork` is safe here: the child gets a consistent
/// copy (no lock held by a thread that does not exist in it) and can run any Swift code as a worker.
public enum ForkServerMode {
    public static let flag = "__forkserver"
    public static let processName = "conclab-fsrv"

    public static func main() -> Never {
        OSThread.setCurrentName(processName)
        guard let fd = System.environment(WorkerMode.channelVariable).flatMap({ Int32($0) }), Descriptors.isOpen(fd) else {
            try? FileDescriptor.standardError.writeAll("conclab fork server: no channel to the shell (it is started by the shell)\n")
            System.immediateExit(2)
        }
        var channel = FrameChannel(fd: fd)
        let me = System.processID
        var workers: [Int32] = []
        func reply(_ answer: ForkServerReply) -> Bool {
            do { try channel.send(answer.frame, timeoutMilliseconds: 10_000); return true } catch { return false }
        }
        guard (try? channel.send(WorkerMessage.hello(pid: me, startMethod: .forkserver).frame)) != nil else {
            System.immediateExit(1)
        }
        serving: while true {
            let frame: Frame
            do {
                guard let next = try channel.receive(timeoutMilliseconds: nil) else { break serving }
                frame = next
            } catch {
                break serving
            }
            let request: ForkServerRequest
            do { request = try ForkServerRequest(frame: frame) } catch {
                while let stray = channel.takeDescriptor() { try? FileDescriptor(stray).close() }
                if !reply(.failure("\(error)")) { break serving }
                continue
            }
            switch request {
            case .spawn(let words):
                guard let workerChannel = channel.takeDescriptor() else {
                    if !reply(.failure("a spawn request needs the worker's channel attached")) { break serving }
                    continue
                }
                while let stray = channel.takeDescriptor() { try? FileDescriptor(stray).close() }
                do {
                    _ = try WorkerTask(words: words)
                } catch {
                    try? FileDescriptor(workerChannel).close()
                    if !reply(.failure("\(error)")) { break serving }
                    continue
                }
                let pid: Int32
                // The worker starts in the state every copy of the shell starts in (own group, default signals, dies
                // with this server), set up in the child before it runs any Swift code.
                do { pid = try ChildProcess.fork(applying: WorkerMode.childAttributes) } catch {
                    try? FileDescriptor(workerChannel).close()
                    if !reply(.failure("\(error)")) { break serving }
                    continue
                }
                if pid == 0 {
                    // The worker: drop the server's channel, and run.
                    try? FileDescriptor(fd).close()
                    WorkerMode.serve(words, channel: workerChannel, startMethod: .forkserver)
                }
                try? FileDescriptor(workerChannel).close()
                workers.append(pid)
                if !reply(.spawned(pid: pid)) { break serving }
            case .peek(let pid):
                guard workers.contains(pid) else {
                    if !reply(.failure("pid \(pid) is not a worker of this fork server")) { break serving }
                    continue
                }
                let status: TerminationStatus?
                do { status = try ChildProcess.peek(pid) } catch { status = .exited(-1) }
                if !reply(.status(status, nil)) { break serving }
            case .reap(let pid):
                guard workers.contains(pid) else {
                    if !reply(.failure("pid \(pid) is not a worker of this fork server")) { break serving }
                    continue
                }
                do {
                    if let (status, usage) = try ChildProcess.reapWithUsage(pid, block: false) {
                        workers.removeAll { $0 == pid }
                        if !reply(.status(status, usage)) { break serving }
                    } else if !reply(.status(nil, nil)) { break serving }
                } catch {
                    workers.removeAll { $0 == pid }
                    if !reply(.status(.exited(-1), nil)) { break serving }
                }
            case .quit:
                break serving
            }
        }
        // Leaving (asked to, or the shell is gone): no worker outlives the server, and none stays a zombie.
        for pid in workers { try? ChildProcess.signal(pid, Signals.kill) }
        var finished: [(Int32, TerminationStatus)] = []
        for pid in workers {
            if let (status, _) = try? ChildProcess.reapWithUsage(pid, block: true) { finished.append((pid, status)) }
        }
        _ = reply(.finished(finished))
        channel.close()
        System.immediateExit(0)
    }
}
