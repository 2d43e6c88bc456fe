import LabOS
import Synchronization

/// Locks and deadlocks: named lab locks that real OS threads take, a wait-for graph built from them,
/// and a watchdog that finds a cycle in it.
///
/// A lab lock is an ordinary blocking mutex with two additions a plain `pthread_mutex_t` lacks, both
/// needed to *teach* deadlock rather than just suffer it: the table knows who holds each lock and who
/// waits for it (so `deadlock check` can draw the wait-for graph and name the cycle), and a waiting
/// acquire can be asked to give up (a thread cannot be killed, so cancellation is cooperative: the
/// waiter notices its stop flag and the acquire fails). All locks of a session live in one table behind
/// one mutex and condition variable, so every snapshot of owners and waiters is consistent.
///
/// A deadlock needs both threads to hold their first lock before either reaches for its second: with a hold time
/// alone that depends on how fast the learner types. `lockseq --meet` makes it certain: a thread that has taken its
/// first lock waits until a partner (another `--meet` sequence over the same locks) holds or waits for its own first
/// lock. Arriving is recorded in the same step as taking or queueing for the lock, so once the first thread goes
/// on, the partner's first lock is already spoken for. Two threads taking the locks in the same order still both
/// finish: the partner arrives by queueing for the lock the first one holds.

/// Who holds or waits for a lab lock: a thread's handle (`t1`), or a worker's thread.
public struct LockOwner: Hashable, Sendable {
    public let id: Int
    public let name: String
    public init(id: Int, name: String) {
        self.id = id
        self.name = name
    }
}

/// Counters of one lock, for `lock stats`.
package struct LockStats: Sendable, Equatable {
    package var acquisitions = 0
    /// Acquisitions that had to wait because another thread held the lock.
    package var contended = 0
    package var waitNanoseconds: Int64 = 0
    package var maxWaitNanoseconds: Int64 = 0

    package init(acquisitions: Int = 0, contended: Int = 0, waitNanoseconds: Int64 = 0, maxWaitNanoseconds: Int64 = 0) {
        self.acquisitions = acquisitions
        self.contended = contended
        self.waitNanoseconds = waitNanoseconds
        self.maxWaitNanoseconds = maxWaitNanoseconds
    }
}

/// One lock as seen at one moment.
package struct LockSnapshot: Sendable, Equatable {
    package var id: Int
    package var name: String
    package var owner: LockOwner?
    package var waiters: [LockOwner]
    package var stats: LockStats
}

/// Every lab lock of one session (or of one worker process).
package final class LockTable: Sendable {
    private struct Entry {
        var name: String
        var owner: LockOwner?
        var waiters: [LockOwner] = []
        var stats = LockStats()
    }

    private struct State {
        var entries: [Int: Entry] = [:]
        var nextID = 1
        var watchdogRunning = false
        /// `lockseq --meet`: per set of locks (their ids, sorted), the one arrival still waiting for a partner.
        var unmatched: [[Int]: LockOwner] = [:]
        /// Arrivals that found their partner and have not yet been told.
        var met: Set<LockOwner> = []

        /// `owner` has reached its first lock of the sequence over `key`: it meets the one waiting there, or waits.
        mutating func arrive(_ owner: LockOwner, at key: [Int]) {
            if let waiting = unmatched[key], waiting != owner {
                unmatched[key] = nil
                met.insert(waiting)
                met.insert(owner)
            } else {
                unmatched[key] = owner
            }
        }
    }

    private let gate = Gate(State())
    private let watchdogEnabled = Atomic<Bool>(true)
    /// Where the watchdog reports a deadlock; nil: no watchdog (a worker process's table).
    private let notify: (@Sendable (String) -> Void)?
    /// How often the watchdog looks (it must report within a second).
    package static let watchdogIntervalNanoseconds: Int64 = 100_000_000

    package init(notify: (@Sendable (String) -> Void)? = nil) {
        self.notify = notify
    }

    /// The table of `session`, made on first use; its watchdog posts notices to the session.
    package static func of(_ session: Session) -> LockTable {
        session.state(stateKey)
    }

    package static let stateKey = TopicKey("locks") { session in
        LockTable(notify: { [weak session] text in session?.post(notice: text) })
    }

    // MARK: Locks

    /// Makes a free lock; returns its id.
    package func create(name: String) -> Int {
        let id = gate.update { s in
            let id = s.nextID
            s.nextID += 1
            s.entries[id] = Entry(name: name)
            return id
        }
        startWatchdogIfNeeded()
        return id
    }

    package func rename(_ id: Int, to name: String) {
        gate.update { s in s.entries[id]?.name = name }
    }

    /// Removes a lock. Its waiters' acquires fail; its owner's release becomes a no-op.
    package func remove(_ id: Int) {
        gate.update { s in _ = s.entries.removeValue(forKey: id) }
    }

    /// Blocks until `owner` holds lock `id`. Not re-entrant: taking a lock you hold waits forever
    /// (a one-thread deadlock), unless stopped. With `meeting`, `owner` also arrives at the meeting of that set of
    /// locks as it takes the lock or joins its waiters (see `awaitPartner`).
    package func acquire(_ id: Int, by owner: LockOwner, meeting: [Int]? = nil, shouldStop: () -> Bool) -> LockAcquisition {
        let start = Clock.monotonicNanoseconds()
        let immediate: LockAcquisition? = gate.update { s in
            guard var entry = s.entries[id] else { return .failed("the lock was closed") }
            if let meeting { s.arrive(owner, at: meeting) }
            if entry.owner == nil {
                entry.owner = owner
                entry.stats.acquisitions += 1
                s.entries[id] = entry
                return .acquired
            }
            entry.waiters.append(owner)
            s.entries[id] = entry
            return nil
        }
        if let immediate { return immediate }
        while true {
            // Releases, closes and cancellations (`wake`) broadcast, so the waiter sleeps until one comes; the
            // timeout is only a safety net for a stop flag set without `wake` (rare, so it can be long).
            let outcome = gate.wait(timeoutNanoseconds: 1_000_000_000) { s -> LockAcquisition? in
                guard var entry = s.entries[id] else { return .failed("the lock was closed") }
                let stopping = shouldStop()
                guard stopping || entry.owner == nil else { return nil }
                if let i = entry.waiters.firstIndex(of: owner) { entry.waiters.remove(at: i) }
                defer { s.entries[id] = entry }
                if stopping {
                    // It never gets to wait for a partner: leave the meeting it arrived at.
                    if let meeting {
                        s.met.remove(owner)
                        if s.unmatched[meeting] == owner { s.unmatched[meeting] = nil }
                    }
                    return .stopped
                }
                let waited = Clock.monotonicNanoseconds() - start
                entry.owner = owner
                entry.stats.acquisitions += 1
                entry.stats.contended += 1
                entry.stats.waitNanoseconds += waited
                entry.stats.maxWaitNanoseconds = max(entry.stats.maxWaitNanoseconds, waited)
                return .acquired
            }
            if let outcome { return outcome }
        }
    }

    /// Blocks until a partner has arrived at the meeting `key` that `owner` arrived at (or had arrived before it), the
    /// caller is asked to stop, or `timeoutNanoseconds` pass (then `owner` leaves the meeting).
    package func awaitPartner(_ owner: LockOwner, at key: [Int], timeoutNanoseconds: Int64, shouldStop: () -> Bool) -> PartnerWait {
        let deadline = Clock.monotonicNanoseconds() + timeoutNanoseconds
        while true {
            // As in `acquire`: a partner's arrival and `wake` broadcast; the slice is only a safety net for a stop flag.
            let slice = max(0, min(deadline - Clock.monotonicNanoseconds(), 1_000_000_000))
            let outcome = gate.wait(timeoutNanoseconds: slice) { s -> PartnerWait? in
                if s.met.remove(owner) != nil { return .met }
                let stopping = shouldStop()
                guard stopping || Clock.monotonicNanoseconds() >= deadline else { return nil }
                if s.unmatched[key] == owner { s.unmatched[key] = nil }
                return stopping ? .stopped : .timedOut
            }
            if let outcome { return outcome }
        }
    }

    package func release(_ id: Int, by owner: LockOwner) {
        gate.update { s in
            if s.entries[id]?.owner == owner { s.entries[id]?.owner = nil }
        }
    }

    /// Wakes every waiter so it re-checks its stop flag (called after a thread is asked to stop).
    package func wake() {
        gate.update { _ in }
    }

    package func snapshot() -> [LockSnapshot] {
        read { s in
            s.entries.sorted { $0.key < $1.key }.map { id, e in
                LockSnapshot(id: id, name: e.name, owner: e.owner, waiters: e.waiters, stats: e.stats)
            }
        }
    }

    package func snapshot(_ id: Int) -> LockSnapshot? {
        snapshot().first { $0.id == id }
    }

    /// The locks `owner` holds now, by name.
    package func held(by owner: LockOwner) -> [String] {
        snapshot().filter { $0.owner == owner }.map(\.name)
    }

    package func graph() -> WaitForGraph { WaitForGraph(snapshot()) }

    /// Reads the state without waking anyone.
    private func read<R>(_ body: (State) -> R) -> R {
        let box = gate.wait { s -> Boxed<R>? in Boxed(value: body(s)) }
        // `wait` with no timeout returns only once `ready` gives a value, which it always does here.
        guard let box else { return body(State()) }
        return box.value
    }

    // MARK: Watchdog

    package var watchdogOn: Bool {
        get { watchdogEnabled.load(ordering: .relaxed) }
    }

    package func setWatchdog(_ on: Bool) { watchdogEnabled.store(on, ordering: .relaxed) }

    /// The watchdog is a thread that runs while the table has locks: every 100 ms it builds the wait-for graph
    /// and posts each new cycle once. It ends by itself when the last lock is closed.
    private func startWatchdogIfNeeded() {
        guard notify != nil else { return }
        let start = gate.update { s -> Bool in
            if s.watchdogRunning || s.entries.isEmpty { return false }
            s.watchdogRunning = true
            return true
        }
        guard start else { return }
        do {
            try OSThread.detach(name: "conclab-watchdog") { [self] in self.watch() }
        } catch {
            gate.update { $0.watchdogRunning = false }
        }
    }

    private func watch() {
        var reported: Set<String> = []
        while true {
            System.sleep(nanoseconds: Self.watchdogIntervalNanoseconds)
            // Reads (and, when the last lock is gone, marks itself stopped) without waking the lock waiters.
            let locks: [LockSnapshot]? = gate.wait { s -> Boxed<[LockSnapshot]?>? in
                if s.entries.isEmpty {
                    s.watchdogRunning = false
                    return Boxed(value: nil)
                }
                return Boxed(value: s.entries.sorted { $0.key < $1.key }.map { id, e in
                    LockSnapshot(id: id, name: e.name, owner: e.owner, waiters: e.waiters, stats: e.stats)
                })
            }?.value
            guard let locks else { return }
            guard watchdogOn, let notify else { reported = []; continue }
            let cycles = WaitForGraph(locks).cycles
            for cycle in cycles where !reported.contains(cycle.description) {
                let victim = cycle.threads.first ?? "T"
                notify("deadlock found by the watchdog: \(cycle). 'deadlock check' shows the graph; 'thread cancel \(victim)' breaks it.")
            }
            reported = Set(cycles.map(\.description))
        }
    }
}

private struct Boxed<T> { var value: T }

/// The locks of one lockseq run, named as the workload names them, taken on behalf of one owner.
package struct LabLockSet: WorkloadLocks {
    package let table: LockTable
    package let owner: LockOwner
    /// Lock name → id in the table.
    package let ids: [String: Int]
    /// Where acquisitions and releases go for the timeline (the session's recorder; nil in a worker).
    package var recorder: EventRecorder? = nil

    package init(table: LockTable, owner: LockOwner, ids: [String: Int], recorder: EventRecorder? = nil) {
        self.table = table
        self.owner = owner
        self.ids = ids
        self.recorder = recorder
    }

    package func acquire(_ name: String, shouldStop: () -> Bool) -> LockAcquisition {
        acquire(name, meeting: nil, shouldStop: shouldStop)
    }

    package func acquireArriving(_ name: String, shouldStop: () -> Bool) -> LockAcquisition {
        acquire(name, meeting: meetingKey, shouldStop: shouldStop)
    }

    package func awaitPartner(timeoutNanoseconds: Int64, shouldStop: () -> Bool) -> PartnerWait {
        table.awaitPartner(owner, at: meetingKey, timeoutNanoseconds: timeoutNanoseconds, shouldStop: shouldStop)
    }

    /// The meeting of `lockseq --meet`: the set of locks this sequence takes, whatever their order.
    private var meetingKey: [Int] { Set(ids.values).sorted() }

    private func acquire(_ name: String, meeting: [Int]?, shouldStop: () -> Bool) -> LockAcquisition {
        guard let id = ids[name] else { return .failed("no lock \(name)") }
        let result = table.acquire(id, by: owner, meeting: meeting, shouldStop: shouldStop)
        if result == .acquired { recorder?.record(owner.name, .lockAcquire, name) }
        return result
    }

    package func release(_ name: String) {
        guard let id = ids[name] else { return }
        table.release(id, by: owner)
        recorder?.record(owner.name, .lockRelease, name)
    }
}

/// Who waits for whom: an edge from each waiting thread to the holder of the lock it waits for.
/// A thread waits for at most one lock, so each thread has at most one outgoing edge and every cycle
/// is found by following edges from each waiter.
package struct WaitForGraph: Sendable, Equatable {
    package struct Edge: Sendable, Equatable {
        package var waiter: String
        package var lock: String
        package var holder: String

        package init(waiter: String, lock: String, holder: String) {
            self.waiter = waiter
            self.lock = lock
            self.holder = holder
        }
    }

    /// `t1 holds L1 and waits for L2; t2 holds L2 and waits for L1`.
    package struct Cycle: Sendable, Equatable, CustomStringConvertible {
        /// Each thread with the lock it holds (that the previous one waits for) and the lock it waits for.
        package var links: [(thread: String, holds: String, waitsFor: String)]

        package var threads: [String] { links.map(\.thread) }
        package var locks: [String] { links.map(\.holds) }

        package var description: String {
            links.map { "\($0.thread) holds \($0.holds) and waits for \($0.waitsFor)" }.joined(separator: "; ")
        }

        package static func == (a: Cycle, b: Cycle) -> Bool { a.description == b.description }
    }

    package var edges: [Edge]

    package init(edges: [Edge]) { self.edges = edges }

    package init(_ locks: [LockSnapshot]) {
        var edges: [Edge] = []
        for lock in locks {
            guard let owner = lock.owner else { continue }
            for waiter in lock.waiters { edges.append(Edge(waiter: waiter.name, lock: lock.name, holder: owner.name)) }
        }
        self.edges = edges
    }

    /// Every cycle once, each starting at its smallest thread name (`t1` before `t2`, `t2` before `t10`).
    package var cycles: [Cycle] {
        var next: [String: Edge] = [:]
        for edge in edges where next[edge.waiter] == nil { next[edge.waiter] = edge }
        var seen: Set<String> = []
        var found: [Cycle] = []
        for start in next.keys.sorted(by: Self.handleOrder) {
            var path: [String] = []
            var position: [String: Int] = [:]
            var current = start
            while let edge = next[current], position[current] == nil, !seen.contains(current) {
                position[current] = path.count
                path.append(current)
                current = edge.holder
            }
            for name in path { seen.insert(name) }
            guard let begin = position[current] else { continue }
            var members = Array(path[begin...])
            if let first = members.indices.min(by: { Self.handleOrder(members[$0], members[$1]) }) {
                members = Array(members[first...] + members[..<first])
            }
            // Thread i waits for the lock thread i+1 holds.
            var links: [(thread: String, holds: String, waitsFor: String)] = []
            for (i, thread) in members.enumerated() {
                let previous = members[(i + members.count - 1) % members.count]
                links.append((thread, next[previous]?.lock ?? "?", next[thread]?.lock ?? "?"))
            }
            found.append(Cycle(links: links))
        }
        return found
    }

    /// Orders `t2` before `t10`: by length, then alphabetically.
    package static func handleOrder(_ a: String, _ b: String) -> Bool {
        a.count != b.count ? a.count < b.count : a < b
    }
}

/// A lab lock as a live object (`L1`): the object table names it and closes it; the session's
/// `LockTable` holds its owner, waiters and counters.
package final class LabLock: LabObject {
    package let id: Int
    package let table: LockTable

    package init(id: Int, table: LockTable) {
        self.id = id
        self.table = table
    }

    package var kind: ObjectKind { .lock }

    package var snapshot: LockSnapshot? { table.snapshot(id) }

    package var state: String {
        guard let s = snapshot else { return "closed" }
        guard let owner = s.owner else { return "free" }
        var text = "held by \(owner.name)"
        if !s.waiters.isEmpty { text += ", waited for by " + s.waiters.map(\.name).joined(separator: ", ") }
        return text
    }

    package var summary: String { "lab lock" }

    package func details() -> Record {
        guard let s = snapshot else { return Record() }
        return Record([("owner", s.owner.map { .string($0.name) } ?? .null),
                       ("waiters", .list(s.waiters.map { .string($0.name) })),
                       ("acquisitions", .int(s.stats.acquisitions)),
                       ("contended", .int(s.stats.contended)),
                       ("wait_ms", .ms(s.stats.waitNanoseconds))])
    }

    /// Removes the lock; threads waiting for it see their acquire fail.
    package func close() throws { table.remove(id) }
}
