import LabOS
import LabCore
import PyLab

/// A frame that arrived but does not say what the protocol allows: a bug or a hostile peer, reported, never trusted.
public struct ProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "protocol error: \(message)" }
}

/// What a worker tells the shell over its channel (the socket the shell or the fork server handed it).
public enum WorkerMessage: Sendable, Equatable {
    /// First thing a worker says, once it is set to die with its parent: who it is and how it was started.
    case hello(pid: Int32, startMethod: StartMethod)
    /// The work is over: how it ended, what it computed, and the CPU and peak memory it used.
    case done(Done)
    /// The worker could not run what it was given (bad arguments).
    case failure(String)

    /// The last word of a worker: how its task ended and what it used.
    public struct Done: Sendable, Equatable {
        /// "completed", "stopped" or "failed".
        public var outcome: String
        public var result: String?
        public var cpuNanoseconds: Int64
        public var maxRSSBytes: Int64
        /// When its task began, on CLOCK_MONOTONIC (one clock for every process of the machine): what the worker's
        /// start-up took is this minus the moment the shell asked for it.
        public var taskStartedAt: Int64?

        public init(outcome: String, result: String?, cpuNanoseconds: Int64, maxRSSBytes: Int64, taskStartedAt: Int64? = nil) {
            self.outcome = outcome
            self.result = result
            self.cpuNanoseconds = cpuNanoseconds
            self.maxRSSBytes = maxRSSBytes
            self.taskStartedAt = taskStartedAt
        }
    }

    package static let helloKind: UInt8 = 1
    package static let doneKind: UInt8 = 2
    package static let failureKind: UInt8 = 3

    public var frame: Frame {
        switch self {
        case .hello(let pid, let method): return Frame(kind: Self.helloKind, fields: [String(pid), method.rawValue])
        case .done(let done):
            return Frame(kind: Self.doneKind, fields: [done.outcome, done.result ?? "", String(done.cpuNanoseconds), String(done.maxRSSBytes)]
                         + (done.taskStartedAt.map { [String($0)] } ?? []))
        case .failure(let message): return Frame(kind: Self.failureKind, fields: [message])
        }
    }

    public init(frame: Frame) throws(ProtocolError) {
        let fields = frame.fields
        switch frame.kind {
        case Self.helloKind:
            guard fields.count == 2, let pid = Int32(fields[0]), pid > 0, let method = StartMethod(rawValue: fields[1]) else {
                throw ProtocolError("malformed hello \(fields)")
            }
            self = .hello(pid: pid, startMethod: method)
        case Self.doneKind:
            guard fields.count == 4 || fields.count == 5, ["completed", "stopped", "failed"].contains(fields[0]),
                  let cpu = Int64(fields[2]), let rss = Int64(fields[3]) else { throw ProtocolError("malformed done \(fields)") }
            var started: Int64?
            if fields.count == 5 {
                guard let at = Int64(fields[4]), at >= 0 else { throw ProtocolError("malformed done \(fields)") }
                started = at
            }
            self = .done(Done(outcome: fields[0], result: fields[1].isEmpty ? nil : fields[1], cpuNanoseconds: cpu, maxRSSBytes: rss,
                              taskStartedAt: started))
        case Self.failureKind:
            guard fields.count == 1 else { throw ProtocolError("malformed failure \(fields)") }
            self = .failure(fields[0])
        default:
            throw ProtocolError("unknown worker message kind \(frame.kind)")
        }
    }
}

/// Requests the shell sends the fork server, one at a time, each answered by one `ForkServerReply`.
public enum ForkServerRequest: Sendable, Equatable {
    /// Fork a worker running these worker-mode words; the worker's channel comes attached (SCM_RIGHTS).
    case spawn(words: [String])
    /// How `pid` ended, without reaping it.
    case peek(pid: Int32)
    /// Reap `pid` if it has ended.
    case reap(pid: Int32)
    /// Kill every worker, reap them all, answer with their statuses, and exit.
    case quit

    package static let spawnKind: UInt8 = 10
    package static let peekKind: UInt8 = 11
    package static let reapKind: UInt8 = 12
    package static let quitKind: UInt8 = 13

    public var frame: Frame {
        switch self {
        case .spawn(let words): return Frame(kind: Self.spawnKind, fields: words)
        case .peek(let pid): return Frame(kind: Self.peekKind, fields: [String(pid)])
        case .reap(let pid): return Frame(kind: Self.reapKind, fields: [String(pid)])
        case .quit: return Frame(kind: Self.quitKind)
        }
    }

    public init(frame: Frame) throws(ProtocolError) {
        let fields = frame.fields
        switch frame.kind {
        case Self.spawnKind:
            guard !fields.isEmpty else { throw ProtocolError("spawn without words") }
            self = .spawn(words: fields)
        case Self.peekKind, Self.reapKind:
            guard fields.count == 1, let pid = Int32(fields[0]), pid > 0 else { throw ProtocolError("malformed pid \(fields)") }
            self = frame.kind == Self.peekKind ? .peek(pid: pid) : .reap(pid: pid)
        case Self.quitKind:
            guard fields.isEmpty else { throw ProtocolError("quit takes nothing") }
            self = .quit
        default:
            throw ProtocolError("unknown fork server request kind \(frame.kind)")
        }
    }
}

/// The fork server's answers.
public enum ForkServerReply: Sendable, Equatable {
    case spawned(pid: Int32)
    /// nil status: still running. `usage` comes with a reaped child.
    case status(TerminationStatus?, ChildUsage?)
    /// Statuses of the workers killed and reaped on `quit`.
    case finished([(Int32, TerminationStatus)])
    case failure(String)

    package static let spawnedKind: UInt8 = 20
    package static let statusKind: UInt8 = 21
    package static let finishedKind: UInt8 = 22
    package static let failureKind: UInt8 = 23

    public static func == (a: ForkServerReply, b: ForkServerReply) -> Bool {
        a.frame == b.frame
    }

    package static func encode(_ status: TerminationStatus?) -> [String] {
        switch status {
        case nil: return ["running", "0"]
        case .exited(let code): return ["exited", String(code)]
        case .signaled(let signal): return ["signaled", String(signal)]
        }
    }

    package static func decode(_ kind: String, _ value: String) throws(ProtocolError) -> TerminationStatus? {
        guard let number = Int32(value) else { throw ProtocolError("malformed status value '\(value)'") }
        switch kind {
        case "running": return nil
        case "exited": return .exited(number)
        case "signaled": return .signaled(number)
        default: throw ProtocolError("unknown status '\(kind)'")
        }
    }

    public var frame: Frame {
        switch self {
        case .spawned(let pid): return Frame(kind: Self.spawnedKind, fields: [String(pid)])
        case .status(let status, let usage):
            var fields = Self.encode(status)
            if let usage { fields += [String(usage.userNanoseconds), String(usage.systemNanoseconds), String(usage.maxRSSBytes)] }
            return Frame(kind: Self.statusKind, fields: fields)
        case .finished(let list):
            return Frame(kind: Self.finishedKind, fields: list.flatMap { [String($0.0)] + Self.encode($0.1) })
        case .failure(let message): return Frame(kind: Self.failureKind, fields: [message])
        }
    }

    public init(frame: Frame) throws(ProtocolError) {
        let fields = frame.fields
        switch frame.kind {
        case Self.spawnedKind:
            guard fields.count == 1, let pid = Int32(fields[0]), pid > 0 else { throw ProtocolError("malformed spawned \(fields)") }
            self = .spawned(pid: pid)
        case Self.statusKind:
            guard fields.count == 2 || fields.count == 5 else { throw ProtocolError("malformed status \(fields)") }
            let status = try Self.decode(fields[0], fields[1])
            var usage: ChildUsage?
            if fields.count == 5 {
                guard let user = Int64(fields[2]), let system = Int64(fields[3]), let rss = Int64(fields[4]) else {
                    throw ProtocolError("malformed usage \(fields)")
                }
                usage = ChildUsage(userNanoseconds: user, systemNanoseconds: system, maxRSSBytes: rss)
            }
            self = .status(status, usage)
        case Self.finishedKind:
            guard fields.count % 3 == 0 else { throw ProtocolError("malformed finished list") }
            var list: [(Int32, TerminationStatus)] = []
            for i in stride(from: 0, to: fields.count, by: 3) {
                guard let pid = Int32(fields[i]), let status = try Self.decode(fields[i + 1], fields[i + 2]) else {
                    throw ProtocolError("malformed finished entry")
                }
                list.append((pid, status))
            }
            self = .finished(list)
        case Self.failureKind:
            guard fields.count == 1 else { throw ProtocolError("malformed failure \(fields)") }
            self = .failure(fields[0])
        default:
            throw ProtocolError("unknown fork server reply kind \(frame.kind)")
        }
    }
}
