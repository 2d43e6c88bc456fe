import LabOS

/// What a running workload is doing, for `thread list`.
public enum WorkloadActivity: Sendable, Equatable {
    case running
    case sleeping
    case waiting(lock: String)
}

/// How a workload ended: finishing, stopping when asked, and failing are results, not thrown errors.
public enum WorkloadEnd: Sendable, Equatable {
    /// Ran to the end; `result` is what it computed (a digest), if anything.
    case completed(result: String?)
    /// Noticed the stop flag and ended early.
    case stopped
    case failed(String)
}

/// The outcome of waiting for a lock.
public enum LockAcquisition: Sendable, Equatable {
    case acquired
    /// The waiter was asked to stop (cooperative cancellation): the acquire fails.
    case stopped
    case failed(String)
}

/// How waiting for a partner ended (`lockseq --meet`).
public enum PartnerWait: Sendable, Equatable {
    case met
    case stopped
    /// No partner came in time; the workload goes on alone.
    case timedOut
}

/// The locks a `lockseq` workload takes, by name: the session's lab locks for a thread,
/// the worker's own in-process locks for a process.
public protocol WorkloadLocks: Sendable {
    /// Blocks until the caller holds `name`, the wait is stopped, or the lock goes away.
    func acquire(_ name: String, shouldStop: () -> Bool) -> LockAcquisition
    func release(_ name: String)
    /// `acquire` that also counts the caller as arrived at its first lock, in the same step as it takes the lock or
    /// starts to wait for it (`lockseq --meet`).
    func acquireArriving(_ name: String, shouldStop: () -> Bool) -> LockAcquisition
    /// Blocks until another `--meet` sequence over the same locks has arrived at its first lock (or arrived before).
    func awaitPartner(timeoutNanoseconds: Int64, shouldStop: () -> Bool) -> PartnerWait
}

extension WorkloadLocks {
    public func acquireArriving(_ name: String, shouldStop: () -> Bool) -> LockAcquisition { acquire(name, shouldStop: shouldStop) }
    public func awaitPartner(timeoutNanoseconds: Int64, shouldStop: () -> Bool) -> PartnerWait { .met }
}

/// A workload a thread or a worker process runs: the same words for both, so they compare one to one.
public enum Workload: Sendable, Equatable, CustomStringConvertible {
    case sleep(milliseconds: Int)
    case spin(milliseconds: Int)
    /// SHA-256 over this many MiB of memory: CPU work that needs no lock.
    case hash(megabytes: Int)
    /// Takes the locks in order, holding each `holdMilliseconds` before taking the next, then releases them all.
    /// With `meet`, after taking the first it waits until a partner has reached its own first lock (see `meetTimeout`).
    case lockseq(locks: [String], holdMilliseconds: Int, meet: Bool = false)

    /// How long `lockseq --meet` waits for its partner before it goes on alone (and says so in its result).
    public static let meetTimeoutMilliseconds = 120_000

    public static let names = ["sleep", "spin", "hash", "lockseq"]

    /// The arguments and flags of a command that starts a workload (`thread spawn`, `proc spawn`): one declaration for both.
    /// The workload's arguments, each optional: for commands where `--py SNIPPET` may stand instead of a workload.
    package static var optionalArgumentSpecs: [ArgumentSpec] {
        argumentSpecs.map { spec in
            var optional = spec
            optional.optional = true
            return optional
        }
    }

    public static let argumentSpecs = [
        ArgumentSpec("WORKLOAD", .choice(names + ["echo"]),
                     help: "sleep MS (blocking), spin MS (CPU), hash MB (SHA-256, CPU), lockseq L1 L2 … (takes locks in order), echo --via CH (answers messages)"),
        ArgumentSpec("ARGS", .word, optional: true, variadic: true, help: "milliseconds for sleep and spin, MiB for hash, lock names for lockseq"),
    ]
    public static let flagSpecs = [
        FlagSpec("hold", value: .integer, valueName: "MS", help: "lockseq: hold each lock MS milliseconds before taking the next (default 0)"),
        FlagSpec("meet", help: "lockseq: after taking the first lock, wait (up to 120 s) until another --meet lockseq on the same locks has reached its own first lock"),
        FlagSpec("via", value: .handle(.channel), valueName: "CH", help: "echo: answer every message that arrives on channel CH ('pipe new', 'sock pair')"),
    ]

    /// The channel of `echo --via CH`, or nil for every other workload (which must not have --via).
    public static func echoChannel(_ arguments: Arguments) throws -> String? {
        let via = arguments.string("via")
        guard arguments.string("WORKLOAD") == "echo" else {
            if via != nil { throw UsageError("--via goes with the echo workload: 'echo --via CH'", usage: arguments.usage) }
            return nil
        }
        guard let via else { throw UsageError("echo answers on a channel: add --via CH (make one with 'pipe new' or 'sock pair')", usage: arguments.usage) }
        guard arguments.strings("ARGS").isEmpty else { throw UsageError("echo takes no arguments besides --via CH", usage: arguments.usage) }
        return via
    }

    /// From a command's parsed `WORKLOAD ARGS… [--hold MS]`.
    public init(arguments: Arguments) throws {
        do {
            self = try Workload(name: try arguments.require("WORKLOAD"), values: arguments.strings("ARGS"), hold: arguments.string("hold"),
                                meet: arguments.flag("meet"))
        } catch let error as UsageError {
            throw UsageError(error.message, usage: arguments.usage)
        }
    }

    /// From words: `["sleep", "100"]` → `.sleep(100)`; `["lockseq", "L1", "L2", "--hold", "50"]` (a worker's argv).
    public init(words: [String]) throws {
        guard let name = words.first else { throw UsageError("missing WORKLOAD (\(Workload.names.joined(separator: ", ")))") }
        var values = Array(words.dropFirst())
        var hold: String?
        if let i = values.firstIndex(of: "--hold") {
            guard i + 1 < values.count else { throw UsageError("--hold needs a value (MS)") }
            hold = values[i + 1]
            values.removeSubrange(i...(i + 1))
        }
        let meet = values.contains("--meet")
        values.removeAll { $0 == "--meet" }
        self = try Workload(name: name, values: values, hold: hold, meet: meet)
    }

    private init(name: String, values: [String], hold: String?, meet: Bool) throws {
        guard Workload.names.contains(name) else {
            var message = "unknown workload '\(name)'; workloads: \(Workload.names.joined(separator: ", "))"
            if let guess = Suggest.closest(to: name, in: Workload.names) { message += ". Did you mean '\(guess)'?" }
            throw UsageError(message)
        }
        if name != "lockseq" && hold != nil { throw UsageError("--hold applies to lockseq only") }
        if name != "lockseq" && meet { throw UsageError("--meet applies to lockseq only") }
        switch name {
        case "lockseq":
            guard !values.isEmpty, values.count <= 16 else { throw UsageError("lockseq takes 1 to 16 lock names, e.g. 'lockseq L1 L2 --hold 200'") }
            for lock in values where !ObjectTable.isValidName(lock) {
                throw UsageError("'\(lock)' is not a lock name: use a handle such as L1")
            }
            var ms = 0
            if let hold {
                guard let v = Arguments.parseInteger(hold), v >= 0, v <= 86_400_000 else {
                    throw UsageError("--hold takes milliseconds (0 to 86400000), got '\(hold)'")
                }
                ms = v
            }
            self = .lockseq(locks: values, holdMilliseconds: ms, meet: meet)
        case "hash":
            guard values.count == 1, let mb = Arguments.parseInteger(values[0]), mb >= 1, mb <= 65_536 else {
                throw UsageError("hash takes one number of MiB (1 to 65536), e.g. 'hash 64'")
            }
            self = .hash(megabytes: mb)
        default:
            guard values.count == 1, let ms = Arguments.parseInteger(values[0]), ms >= 0, ms <= 86_400_000 else {
                throw UsageError("\(name) takes one number of milliseconds (0 to 86400000), e.g. '\(name) 200'")
            }
            self = name == "sleep" ? .sleep(milliseconds: ms) : .spin(milliseconds: ms)
        }
    }

    public var words: [String] {
        switch self {
        case .sleep(let ms): return ["sleep", String(ms)]
        case .spin(let ms): return ["spin", String(ms)]
        case .hash(let mb): return ["hash", String(mb)]
        case .lockseq(let locks, let hold, let meet):
            return ["lockseq"] + locks + (hold > 0 ? ["--hold", String(hold)] : []) + (meet ? ["--meet"] : [])
        }
    }

    public var description: String { words.joined(separator: " ") }

    /// Runs the workload on the calling thread. `stop` ends it early (cooperative cancellation): CPU work checks it
    /// between small steps, a sleep waits on it; nil, nothing can stop it. `locks` serve `lockseq`; `report` hears
    /// what it is doing (for `thread list`).
    @discardableResult
    public func perform(stop: Cancellation? = nil, locks: (any WorkloadLocks)? = nil,
                        report: (WorkloadActivity) -> Void = { _ in }) -> WorkloadEnd {
        let shouldStop = { stop?.isCancelled ?? false }
        switch self {
        case .sleep(let ms):
            report(.sleeping)
            return Workload.pause(milliseconds: ms, stop: stop) ? .completed(result: nil) : .stopped
        case .spin(let ms):
            report(.running)
            let deadline = Clock.monotonicNanoseconds() + Time.nanoseconds(milliseconds: ms)
            var x: UInt64 = 88172645463325252
            var stopped = false
            while true {
                // xorshift keeps the CPU busy with work the optimiser cannot drop.
                for _ in 0..<1000 { x ^= x << 13; x ^= x >> 7; x ^= x << 17 }
                if Clock.monotonicNanoseconds() >= deadline { break }
                if shouldStop() { stopped = true; break }
            }
            if x == 0 { System.exit(3) }
            return stopped ? .stopped : .completed(result: nil)
        case .hash(let mb):
            report(.running)
            // One MiB of varied bytes, hashed `mb` times in 64 KiB pieces (the stop flag is checked between pieces).
            var seed: UInt32 = 2463534242
            let chunk = (0..<(1 << 20)).map { _ -> UInt8 in
                seed ^= seed << 13; seed ^= seed >> 17; seed ^= seed << 5
                return UInt8(truncatingIfNeeded: seed)
            }
            var hasher = SHA256()
            let piece = 1 << 16
            for _ in 0..<mb {
                for offset in stride(from: 0, to: chunk.count, by: piece) {
                    if shouldStop() { return .stopped }
                    chunk.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + piece)])) }
                }
            }
            return .completed(result: "sha256 " + hasher.finishHex())
        case .lockseq(let names, let hold, let meet):
            guard let locks else { return .failed("lockseq needs locks and none were given") }
            var held: [String] = []
            var alone = false
            func releaseAll() { for name in held.reversed() { locks.release(name) } }
            for (i, name) in names.enumerated() {
                let arriving = meet && i == 0
                report(.waiting(lock: name))
                switch arriving ? locks.acquireArriving(name, shouldStop: shouldStop) : locks.acquire(name, shouldStop: shouldStop) {
                case .acquired: held.append(name)
                case .stopped: releaseAll(); return .stopped
                case .failed(let why): releaseAll(); return .failed(why)
                }
                report(.sleeping)
                if arriving {
                    // However slowly the partner is started, it holds or waits for its first lock before this one goes on.
                    let timeout = Time.nanoseconds(milliseconds: Workload.meetTimeoutMilliseconds)
                    switch locks.awaitPartner(timeoutNanoseconds: timeout, shouldStop: shouldStop) {
                    case .met: break
                    case .stopped: releaseAll(); return .stopped
                    case .timedOut: alone = true
                    }
                }
                if !Workload.pause(milliseconds: hold, stop: stop) { releaseAll(); return .stopped }
            }
            releaseAll()
            let note = alone ? " (no partner reached its first lock within \(Workload.meetTimeoutMilliseconds / 1_000) s, so it went on alone)" : ""
            return .completed(result: "took " + names.joined(separator: ", then ") + note)
        }
    }

    /// Sleeps `milliseconds`, blocked on `stop` (no polling: `cancel()` wakes it); false if stopped first.
    package static func pause(milliseconds: Int, stop: Cancellation?) -> Bool {
        let deadline = Clock.monotonicNanoseconds() + Time.nanoseconds(milliseconds: milliseconds)
        guard let stop else {
            if milliseconds > 0 { System.sleep(nanoseconds: Time.nanoseconds(milliseconds: milliseconds)) }
            return true
        }
        return !stop.wait(untilNanoseconds: deadline)
    }
}

