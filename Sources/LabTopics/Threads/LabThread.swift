import LabOS
import LabCore
import PyLab

/// Native threads: real OS threads (pthreads) running a workload, visible to the OS under their handle
/// (`conclab-t1` in `top -H` and `ps -L`), with their kernel thread id and the CPU time the kernel
/// charged them (`/proc/self/task/TID/stat`).
///
/// A thread cannot be killed from outside: POSIX offers only asynchronous cancellation, which would
/// leave locks held and memory half-written. So cancellation here is cooperative: `thread cancel` sets a
/// flag that a busy workload checks between small steps and a sleeping one waits on (it wakes at once),
/// and a thread waiting for a lab lock is woken so its acquire fails. The object table owns each thread: `thread join` and `close` (and leaving the
/// shell) end it; a thread that does not stop in time is reported, never waited for forever.
package final class LabThread: LabObject {
    package enum Phase: Sendable, Equatable {
        case starting
        case running
        case finished(WorkloadEnd)
    }

    package struct Status: Sendable {
        package var handle = ""
        package var tid: Int32 = 0
        package var phase = Phase.starting
        package var activity = WorkloadActivity.running
        /// CPU time measured by the thread itself when it ended (its /proc entry is gone by then).
        package var finalCPUNanoseconds: Int64?
        package var startedAt: Int64 = Clock.monotonicNanoseconds()
        package var endedAt: Int64?
    }

    package let workload: Workload
    private let status = Gate(Status())
    private let stop = Cancellation()
    private let locks: LockTable?
    private let lockIDs: [String: Int]
    /// The session's timeline recorder: thread states and lock events (it costs one atomic load while off).
    private let recorder: EventRecorder?
    /// How long `close` waits for the thread to notice its stop flag.
    package static let closeWaitNanoseconds: Int64 = 300_000_000

    package var kind: ObjectKind { .thread }

    package init(workload: Workload, locks: LockTable? = nil, lockIDs: [String: Int] = [:], recorder: EventRecorder? = nil) {
        self.workload = workload
        self.locks = locks
        self.lockIDs = lockIDs
        self.recorder = recorder
    }

    package var owner: LockOwner { LockOwner(id: ObjectIdentifier(self).hashValue, name: current.handle) }

    /// A snapshot of the status. (`wait` with a condition that always holds reads without waking anyone.)
    package var current: Status { status.wait { s -> Status? in s } ?? Status() }

    package var isCancelRequested: Bool { stop.isCancelled }

    /// Starts the OS thread, named after its handle.
    package func start(handle: String) throws {
        status.update { $0.handle = handle }
        let recorder = self.recorder
        let lockSet = locks.map { LabLockSet(table: $0, owner: owner, ids: lockIDs, recorder: recorder) }
        let workload = self.workload
        do {
            try OSThread.detach(name: Self.osName(handle)) { [self] in
                let tid = System.threadID
                status.update {
                    $0.tid = tid
                    $0.phase = .running
                }
                recorder?.record(handle, .start, workload.description)
                let end = workload.perform(stop: stop, locks: lockSet, report: { activity in
                    self.status.update { $0.activity = activity }
                    switch activity {
                    case .running: recorder?.record(handle, .running)
                    case .sleeping: recorder?.record(handle, .sleeping)
                    case .waiting(let lock): recorder?.record(handle, .waitingLock, lock)
                    }
                })
                let cpu = Clock.threadCPUNanoseconds()
                status.update {
                    $0.phase = .finished(end)
                    $0.finalCPUNanoseconds = cpu
                    $0.endedAt = Clock.monotonicNanoseconds()
                }
                recorder?.record(handle, .end, Self.describe(end))
            }
        } catch {
            throw CommandError("cannot start a thread: \(error)")
        }
    }

    /// The name the OS shows (`ps -L`, `top -H`): at most 15 bytes.
    package static func osName(_ handle: String) -> String {
        String(decoding: Array(("conclab-" + handle).utf8.prefix(15)), as: UTF8.self)
    }

    /// Asks the workload to stop, and wakes it if it waits for a lab lock.
    package func requestCancel() {
        stop.cancel()
        locks?.wake()
    }

    /// Waits until the thread has ended or `timeoutNanoseconds` pass; true if it ended.
    package func waitUntilFinished(timeoutNanoseconds: Int64?) -> Bool {
        status.wait(timeoutNanoseconds: timeoutNanoseconds) { s -> Bool? in
            if case .finished = s.phase { return true }
            return nil
        } ?? false
    }

    /// Waits until the thread has ended (true), `timeoutNanoseconds` pass or `cancellation` is cancelled (false), in one
    /// blocking wait: nothing polls while the thread runs.
    package func waitUntilFinished(timeoutNanoseconds: Int64?, or cancellation: Cancellation) -> Bool {
        cancellation.wakingOnCancel({ [status] in status.update { _ in } }) {
            status.wait(timeoutNanoseconds: timeoutNanoseconds) { s -> Bool? in
                if case .finished = s.phase { return true }
                return cancellation.isCancelled ? false : nil
            } ?? false
        }
    }

    /// Waits until the thread runs (so its OS thread id is known); false on timeout.
    package func waitUntilStarted(timeoutNanoseconds: Int64) -> Bool {
        status.wait(timeoutNanoseconds: timeoutNanoseconds) { s -> Bool? in s.phase == .starting ? nil : true } ?? false
    }

    package var isFinished: Bool {
        if case .finished = current.phase { return true }
        return false
    }

    package var state: String {
        let s = current
        switch s.phase {
        case .starting: return "starting"
        case .finished(let end): return Self.describe(end)
        case .running:
            switch s.activity {
            case .running: return "running"
            case .sleeping: return "sleeping"
            case .waiting(let lock): return "waiting on \(lock)"
            }
        }
    }

    package static func describe(_ end: WorkloadEnd) -> String {
        switch end {
        case .completed: return "done"
        case .stopped: return "cancelled"
        case .failed(let why): return "failed: \(why)"
        }
    }

    /// CPU time so far: from /proc while it runs, its own measurement once it ended.
    package var cpuMilliseconds: Double? {
        let s = current
        if let final = s.finalCPUNanoseconds { return Double(final) / 1e6 }
        guard s.tid != 0, let stat = ProcFS.threadStat(tid: s.tid) else { return nil }
        return ProcFS.milliseconds(ticks: stat.userTicks + stat.systemTicks)
    }

    /// The locks this thread holds now.
    package var heldLocks: [String] { locks?.held(by: owner) ?? [] }

    package var result: String? {
        if case .finished(.completed(let result)) = current.phase { return result }
        return nil
    }

    package var summary: String {
        let tid = current.tid
        return (tid == 0 ? "" : "tid \(tid): ") + workload.description
    }

    package func details() -> Record {
        let s = current
        var record = Record([("tid", s.tid == 0 ? .null : .int(Int(s.tid))),
                             ("os_name", .string(Self.osName(s.handle))),
                             ("workload", .string(workload.description)),
                             ("cpu_ms", cpuMilliseconds.map { .quantity($0, .milliseconds) } ?? .null),
                             ("holds", .list(heldLocks.map(Value.string))),
                             ("cancel_requested", .bool(isCancelRequested))])
        record.append("elapsed_ms", .ms((s.endedAt ?? Clock.monotonicNanoseconds()) - s.startedAt))
        record.append("result", result.map(Value.string) ?? .null)
        return record
    }

    /// Asks the thread to stop and waits briefly. A thread that does not stop in time is reported, not waited for:
    /// leaving the shell must never hang on it.
    package func close() throws {
        if isFinished { return }
        requestCancel()
        guard waitUntilFinished(timeoutNanoseconds: Self.closeWaitNanoseconds) else {
            throw CommandError("\(current.handle) did not stop within \(Self.closeWaitNanoseconds / 1_000_000) ms (\(state)); threads cannot be killed, it ends when its workload next checks for cancellation")
        }
    }
}
