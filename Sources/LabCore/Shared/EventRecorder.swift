import LabOS
import Synchronization

/// What happened, as the timeline draws it. State events (`running`, `waiting…`, `sleeping`) change what a row
/// shows from their timestamp on; the others are instants (marks on the row).
public enum EventKind: String, Sendable, CaseIterable {
    case start, end
    case running, sleeping
    case waitingGIL = "waiting-gil"
    case waitingLock = "waiting-lock"
    /// Ready to run, but no CPU was free (a thread of a watched program: `watch python3`).
    case waitingCPU = "waiting-cpu"
    case lockAcquire = "lock-acquire", lockRelease = "lock-release"
    case gilRequest = "gil-request", gilAcquire = "gil-acquire", gilDrop = "gil-drop", forcedSwitch = "forced-switch"
    case spawn, exit, signal
    case send, receive

    /// The state a row is in after this event, if the event changes it.
    public var state: RowState? {
        switch self {
        case .start, .running, .gilAcquire, .lockAcquire: return .running
        case .sleeping: return .sleeping
        case .waitingGIL, .gilRequest: return .waitingGIL
        case .waitingLock: return .waitingLock
        case .waitingCPU: return .waitingCPU
        case .end, .exit: return .ended
        default: return nil
        }
    }
}

/// What a row of the timeline shows at a moment.
public enum RowState: String, Sendable, CaseIterable {
    case running, waitingGIL = "waiting for the GIL", waitingLock = "waiting for a lock", waitingCPU = "waiting for a CPU", sleeping, ended
}

/// One recorded event: monotonic time, OS thread id, the actor's handle (`t1`, `p2`, `main`), what, and a detail.
public struct TimelineEvent: Sendable, Equatable {
    public var nanoseconds: Int64
    public var threadID: Int32
    public var actor: String
    public var kind: EventKind
    public var detail: String

    public init(nanoseconds: Int64, threadID: Int32, actor: String, kind: EventKind, detail: String = "") {
        self.nanoseconds = nanoseconds
        self.threadID = threadID
        self.actor = actor
        self.kind = kind
        self.detail = detail
    }
}

/// Records events in a bounded ring buffer. Off, `record` costs one relaxed atomic load; on, a short lock.
/// When the buffer is full the oldest events are dropped and counted.
public final class EventRecorder: Sendable {
    private struct Ring {
        var events: [TimelineEvent] = []
        var next = 0
        var dropped = 0
        var startedAt: Int64 = 0
        /// When recording last stopped; nil while it is on (or was never on).
        var stoppedAt: Int64?
        /// Actors recording waits for (`trace COMMAND` keeps recording until what the command started has ended).
        var awaited: Set<String> = []
    }

    private let enabled = Atomic<Bool>(false)
    private let ring = Locked(Ring())
    public let capacity: Int

    public init(capacity: Int = 65_536) {
        self.capacity = max(1, capacity)
    }

    /// The recorder of `session`, made on first use.
    public static func of(_ session: Session) -> EventRecorder {
        session.state(stateKey)
    }

    package static let stateKey = TopicKey("timeline.recorder") { EventRecorder() }

    public var isOn: Bool { enabled.load(ordering: .relaxed) }

    public func setOn(_ on: Bool) {
        ring.withLock { r in
            if on && r.events.isEmpty { r.startedAt = Clock.monotonicNanoseconds() }
            r.stoppedAt = on ? nil : (enabled.load(ordering: .relaxed) ? Clock.monotonicNanoseconds() : r.stoppedAt)
            r.awaited = []
            enabled.store(on, ordering: .relaxed)
        }
    }

    /// Keeps recording until each of `actors` has recorded its end (`end` or `exit`), then stops: `trace COMMAND`
    /// for a command that starts a thread or a process records their run, not only their start. Actors whose end
    /// is already recorded are not waited for; with none left, recording stops now. Returns the actors awaited.
    @discardableResult
    public func stopWhenEnded(_ actors: Set<String>) -> Set<String> {
        ring.withLock { r in
            let ended = Set(r.events.filter { $0.kind == .end || $0.kind == .exit }.map(\.actor))
            r.awaited = actors.subtracting(ended)
            if r.awaited.isEmpty {
                if enabled.load(ordering: .relaxed) { r.stoppedAt = Clock.monotonicNanoseconds() }
                enabled.store(false, ordering: .relaxed)
            }
            return r.awaited
        }
    }

    /// The actors recording still waits for (see `stopWhenEnded`).
    public var awaited: Set<String> { ring.withLock { $0.awaited } }

    /// Until when the events describe the world: now while recording, else when recording stopped.
    public var recordedUntil: Int64? {
        ring.withLock { r in enabled.load(ordering: .relaxed) ? Clock.monotonicNanoseconds() : r.stoppedAt }
    }

    /// Records an event now, on the calling thread, if recording is on.
    @inline(__always)
    public func record(_ actor: String, _ kind: EventKind, _ detail: String = "") {
        guard enabled.load(ordering: .relaxed) else { return }
        append(TimelineEvent(nanoseconds: Clock.monotonicNanoseconds(), threadID: System.threadID, actor: actor, kind: kind, detail: detail))
    }

    /// Adds a prepared event (tests use fixed timestamps), whether or not recording is on.
    public func append(_ event: TimelineEvent) {
        ring.withLock { r in
            if r.events.count < capacity {
                r.events.append(event)
            } else {
                r.events[r.next] = event
                r.next = (r.next + 1) % capacity
                r.dropped += 1
            }
            if !r.awaited.isEmpty, event.kind == .end || event.kind == .exit, r.awaited.remove(event.actor) != nil, r.awaited.isEmpty {
                r.stoppedAt = event.nanoseconds
                enabled.store(false, ordering: .relaxed)
            }
        }
    }

    /// Every kept event, oldest first, and how many were dropped.
    public func snapshot() -> (events: [TimelineEvent], dropped: Int) {
        ring.withLock { r in
            let ordered = Array(r.events[r.next...]) + Array(r.events[..<r.next])
            // Threads append in their own order; sort by time for drawing (stable for equal stamps).
            let sorted = ordered.enumerated().sorted { ($0.element.nanoseconds, $0.offset) < ($1.element.nanoseconds, $1.offset) }.map(\.element)
            return (sorted, r.dropped)
        }
    }

    /// Forgets every event (recording stays as it is, and stops waiting for anyone).
    public func clear() {
        ring.withLock { $0 = Ring(startedAt: Clock.monotonicNanoseconds()) }
    }
}
