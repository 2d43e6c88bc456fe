import LabOS
import Synchronization
import LabCore

/// One thread's figures under the GIL.
package struct GILThreadStats: Sendable, Equatable {
    package var name = ""
    package var acquisitions = 0
    /// Times it found the GIL taken and had to wait.
    package var waits = 0
    package var waitNanoseconds: Int64 = 0
    package var holdNanoseconds: Int64 = 0
    /// Times it let go because another thread asked (the drop request).
    package var forcedDrops = 0

    package init(name: String = "", acquisitions: Int = 0, waits: Int = 0, waitNanoseconds: Int64 = 0, holdNanoseconds: Int64 = 0, forcedDrops: Int = 0) {
        self.name = name
        self.acquisitions = acquisitions
        self.waits = waits
        self.waitNanoseconds = waitNanoseconds
        self.holdNanoseconds = holdNanoseconds
        self.forcedDrops = forcedDrops
    }
}

package struct GILStats: Sendable, Equatable {
    /// The GIL passed from one thread to another.
    package var switches = 0
    /// …because the holder was asked to drop it.
    package var forcedSwitches = 0
    package var dropRequests = 0
    /// By thread name (a thread of a later run with the same name adds to the same row).
    package var threads: [String: GILThreadStats] = [:]

    package var totalWaitNanoseconds: Int64 { threads.values.reduce(0) { $0 + $1.waitNanoseconds } }
    package var totalHoldNanoseconds: Int64 { threads.values.reduce(0) { $0 + $1.holdNanoseconds } }

    package static func - (a: GILStats, b: GILStats) -> GILStats {
        var d = GILStats(switches: a.switches - b.switches, forcedSwitches: a.forcedSwitches - b.forcedSwitches,
                         dropRequests: a.dropRequests - b.dropRequests)
        for (n, t) in a.threads {
            let o = b.threads[n] ?? GILThreadStats(name: t.name)
            d.threads[n] = GILThreadStats(name: t.name, acquisitions: t.acquisitions - o.acquisitions, waits: t.waits - o.waits,
                                          waitNanoseconds: t.waitNanoseconds - o.waitNanoseconds,
                                          holdNanoseconds: t.holdNanoseconds - o.holdNanoseconds,
                                          forcedDrops: t.forcedDrops - o.forcedDrops)
        }
        return d
    }


    package init(switches: Int = 0, forcedSwitches: Int = 0, dropRequests: Int = 0, threads: [String: GILThreadStats] = [:]) {

        self.switches = switches

        self.forcedSwitches = forcedSwitches

        self.dropRequests = dropRequests

        self.threads = threads

    }
}

/// The GIL's state machine, with time passed in: CPython's `Python/ceval_gil.c` (3.2 and later) without the
/// waiting, so tests can drive it with a fake clock.
///
/// - One lock; its holder runs the eval loop and looks at the drop request between instructions.
/// - A thread that finds it locked waits up to the switch interval; if in that time the GIL did not change
///   hands (`switchNumber` unchanged), it sets the drop request.
/// - The holder, seeing the request, drops the GIL and (forced switching) waits until another thread has
///   taken it before it asks for it again — otherwise it could simply re-take it at once.
package struct GILCore: Sendable, Equatable {
    package var locked = false
    package var holder = 0
    package var lastHolder = 0
    package var switchNumber: UInt64 = 0
    package var dropRequested = false
    package var waiting = 0
    package var heldSince: Int64 = 0
    package var holderName = ""
    package var forcedDropPending = false
    package var stats = GILStats()

    /// Takes the GIL if it is free. `since` is when the thread started asking (for wait time).
    package mutating func tryTake(_ thread: Int, name: String, now: Int64, since: Int64) -> Bool {
        guard !locked else { return false }
        locked = true
        if lastHolder != 0 && lastHolder != thread {
            stats.switches += 1
            if forcedDropPending { stats.forcedSwitches += 1 }
        }
        forcedDropPending = false
        holder = thread
        holderName = name
        lastHolder = thread
        switchNumber &+= 1
        dropRequested = false
        heldSince = now
        stats.threads[name, default: GILThreadStats(name: name)].acquisitions += 1
        stats.threads[name, default: GILThreadStats(name: name)].waitNanoseconds += max(0, now - since)
        return true
    }

    /// A waiter's interval ran out. Returns true when it set the drop request (the GIL did not change hands
    /// since `seenSwitch`).
    package mutating func intervalElapsed(seenSwitch: UInt64) -> Bool {
        guard locked, switchNumber == seenSwitch, !dropRequested else { return false }
        dropRequested = true
        stats.dropRequests += 1
        return true
    }

    package mutating func drop(_ thread: Int, now: Int64, onRequest: Bool) {
        guard locked, holder == thread else { return }
        locked = false
        holder = 0
        stats.threads[holderName, default: GILThreadStats(name: holderName)].holdNanoseconds += max(0, now - heldSince)
        if onRequest {
            stats.threads[holderName, default: GILThreadStats(name: holderName)].forcedDrops += 1
            forcedDropPending = true
        }
    }

    /// Forced switching: after dropping on request, the old holder may continue once someone else took the GIL
    /// (or nobody is waiting any more).
    package func mayRetake(_ thread: Int) -> Bool { lastHolder != thread || waiting == 0 }

    package init(locked: Bool = false, holder: Int = 0, lastHolder: Int = 0, switchNumber: UInt64 = 0, dropRequested: Bool = false, waiting: Int = 0, heldSince: Int64 = 0, holderName: String = "", forcedDropPending: Bool = false, stats: GILStats = GILStats()) {
        self.locked = locked
        self.holder = holder
        self.lastHolder = lastHolder
        self.switchNumber = switchNumber
        self.dropRequested = dropRequested
        self.waiting = waiting
        self.heldSince = heldSince
        self.holderName = holderName
        self.forcedDropPending = forcedDropPending
        self.stats = stats
    }
}

/// The global interpreter lock. The eval loop reads `dropRequest` (one relaxed load) before each instruction;
/// everything else happens under a mutex and condition variable, as in CPython.
package final class GIL: Sendable {
    /// Non-zero while a waiter asks the holder to drop the GIL (CPython's `gil_drop_request`, part of the eval breaker).
    package let dropRequest = Atomic<Int>(0)
    private let gate = Gate(GILCore())
    private let interval = Atomic<Int64>(5_000_000)
    /// Who hears of GIL events (request, acquire, drop, forced switch), e.g. the timeline; set once, after making the runtime.
    private let observerState = Locked<(any PyEventObserver)?>(nil)

    package init() {}

    package func attach(_ observer: any PyEventObserver) { observerState.withLock { $0 = observer } }

    private func record(_ name: String, _ event: PyEvent) {
        observerState.withLock { $0 }?.report(event, thread: name)
    }

    /// Tells the GIL's observer of an event that is not the GIL's own (a snippet thread starting or ending).
    package func report(_ event: PyEvent, thread name: String) { record(name, event) }

    package func setInterval(_ nanoseconds: Int64) { interval.store(max(1_000, nanoseconds), ordering: .relaxed) }
    package var intervalNanoseconds: Int64 { interval.load(ordering: .relaxed) }

    package var stats: GILStats { gate.update { $0.stats } }
    package var core: GILCore { gate.update { $0 } }

    package func resetStats() { gate.update { $0.stats = GILStats() } }

    /// Blocks until this thread holds the GIL.
    package func take(_ thread: Int, name: String) {
        let since = Clock.monotonicNanoseconds()
        var seen: UInt64 = 0
        let immediate = gate.update { core -> Bool in
            if core.tryTake(thread, name: name, now: since, since: since) {
                dropRequest.store(0, ordering: .relaxed)
                return true
            }
            core.waiting += 1
            core.stats.threads[name, default: GILThreadStats(name: name)].waits += 1
            seen = core.switchNumber
            return false
        }
        if immediate {
            record(name, .gilAcquired)
            return
        }
        record(name, .gilRequested)
        while true {
            let taken = gate.wait(timeoutNanoseconds: interval.load(ordering: .relaxed)) { core -> Bool? in
                guard core.tryTake(thread, name: name, now: Clock.monotonicNanoseconds(), since: since) else { return nil }
                core.waiting -= 1
                dropRequest.store(0, ordering: .relaxed)
                return true
            }
            if taken == true {
                // Wake the thread that dropped it on request: it waits until someone else has taken it.
                gate.update { _ in }
                record(name, .gilAcquired)
                return
            }
            gate.update { core in
                if core.intervalElapsed(seenSwitch: seen) { dropRequest.store(1, ordering: .relaxed) }
                seen = core.switchNumber
            }
        }
    }

    package func drop(_ thread: Int, onRequest: Bool = false) {
        let name = gate.update { core -> String in
            let name = core.holderName
            core.drop(thread, now: Clock.monotonicNanoseconds(), onRequest: onRequest)
            return name
        }
        record(name, onRequest ? .gilForcedSwitch : .gilDropped)
    }

    /// The holder saw the drop request: let go, wait until another thread has the GIL, take it back.
    package func yield(_ thread: Int, name: String) {
        drop(thread, onRequest: true)
        record(name, .gilRequested)
        _ = gate.wait { core -> Bool? in core.mayRetake(thread) ? true : nil }
        take(thread, name: name)
    }
}
