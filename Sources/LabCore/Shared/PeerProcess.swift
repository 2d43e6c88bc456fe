import LabOS
import Synchronization

/// A child process started by the descriptor and IPC topic (`fd child`, `ipc echo CH`): conclab in
/// `__ipc-worker` mode. A "process" object like `proc`'s workers (handles p1, p2 … and the same cap): the object
/// table alone kills and reaps it.
package final class PeerProcess: ChildProcessObject, HoldsDescriptors {
    package let pid: Int32
    /// "fd child", "echo peer of ch1" …
    package let role: String
    /// The shell's end of the control socket of an `fd child` (descriptors are sent over it).
    package let control: Int32?
    /// The number the control socket has in the child.
    package let controlInChild: Int32?
    /// How it was started, as `proc list` shows it: "spawn" (conclab in `__ipc-worker` mode), or "fork" (a C child
    /// forked from the shell, `shm hold`).
    package let started: String
    package let startedAt = Clock.monotonicNanoseconds()
    private let ended = Locked<TerminationStatus?>(nil)
    private let controlOpen = Atomic<Bool>(true)
    private let decoder = Locked(FrameDecoder(limit: 1 << 16))
    /// Descriptors the child received with `fd send`: its number → what the shell sent.
    private let receivedState = Locked<[Int32: String]>([:])

    /// What the child's own descriptors are for, as the shell arranged them (`ipc echo`): number → note.
    package let childNotes: [Int32: String]

    package var received: [Int32: String] { receivedState.withLock { $0 } }
    package func noteReceived(_ number: Int32, from what: String) { receivedState.withLock { $0[number] = what } }

    package init(pid: Int32, role: String, control: Int32? = nil, controlInChild: Int32? = nil, childNotes: [Int32: String] = [:],
                 started: String = "spawn") {
        self.pid = pid
        self.started = started
        self.role = role
        self.control = control
        self.controlInChild = controlInChild
        self.childNotes = childNotes
    }

    package var kind: ObjectKind { .process }

    /// Reaps the child if it has ended; its status once it has.
    package func poll(block: Bool = false) -> TerminationStatus? {
        ended.withLock { status in
            if status == nil {
                do { status = try ChildProcess.reap(pid, block: block) } catch { status = .exited(-1) }
            }
            return status
        }
    }

    package var state: String {
        if let status = poll() { return status.description }
        return ProcFS.stat(pid: pid)?.state.description ?? "running"
    }

    package var summary: String { "pid \(pid): \(role)" }

    package var isLive: Bool { poll() == nil }
    package var purpose: String { role }

    package var descriptorNotes: [Int32: String] {
        var notes: [Int32: String] = [:]
        if let controlInChild { notes[controlInChild] = "control socket from the shell" }
        for (number, what) in received { notes[number] = "received with fd send: \(what)" }
        return notes.merging(childNotes) { _, arranged in arranged }
    }

    package var heldDescriptors: [(Int32, String)] {
        guard let control, controlOpen.load(ordering: .acquiring) else { return [] }
        return [(control, "control socket to the child")]
    }

    package func details() -> Record {
        var record = Record([("pid", .int(Int(pid))), ("role", .string(role))])
        if let controlInChild { record.append("control_fd_in_child", .int(Int(controlInChild))) }
        if poll() == nil, let stat = ProcFS.stat(pid: pid) {
            record.append("cpu_ms", .quantity(ProcFS.milliseconds(ticks: stat.userTicks + stat.systemTicks), .milliseconds))
            record.append("rss_bytes", .bytes(stat.rssPages * Int64(System.pageSize)))
        }
        record.append("age_ms", .ms(Clock.monotonicNanoseconds() - startedAt))
        return record
    }

    /// Closes the control socket, kills (SIGKILL) and reaps; a child that already ended is only reaped.
    package func close() throws {
        closeControl()
        if poll() != nil { return }
        try? ChildProcess.signal(pid, Signals.kill)
        _ = poll(block: true)
    }

    private func closeControl() {
        if let control, controlOpen.exchange(false, ordering: .acquiringAndReleasing) { try? FileDescriptor(control).close() }
    }

    /// Sends `frame` with `descriptor` attached over the control socket and waits for the reply frame, in slices so
    /// Ctrl-C ends the wait. `handle` names the child in errors.
    package func request(_ frame: Frame, passing descriptor: Int32, handle: String, timeoutMilliseconds: Int,
                 _ context: Context) throws -> Frame {
        guard let control, controlOpen.load(ordering: .acquiring) else {
            throw CommandError("\(handle) cannot receive descriptors: it has no control socket. Start one with 'fd child'.")
        }
        if let status = poll() { throw CommandError("\(handle) has already ended (\(status))") }
        try Sockets.sendDescriptor(control, descriptor, bytes: frame.encoded)
        let deadline = Clock.monotonicNanoseconds() + Time.nanoseconds(milliseconds: timeoutMilliseconds)
        while true {
            if let reply = try decoder.withLock({ decoder throws -> Frame? in try decoder.next() }) { return reply }
            try context.checkCancelled()
            if Clock.monotonicNanoseconds() >= deadline {
                throw CommandError("\(handle) did not answer within \(timeoutMilliseconds) ms")
            }
            guard try Descriptors.wait(control, for: .readable, milliseconds: 50) else { continue }
            let received = try Sockets.receiveDescriptors(control, max: 1 << 16)
            for fd in received.descriptors { try? FileDescriptor(fd).close() }
            if received.bytes.isEmpty {
                throw CommandError("\(handle) closed its control socket (state: \(state))")
            }
            decoder.withLock { $0.feed(received.bytes) }
        }
    }
}

extension Session {
    /// The pid of a process object: this topic's peers, or any other kind that reports `pid` in its details.
    package func processID(of handle: String) throws -> Int32 {
        let object = try objects.lookup(handle, kind: .process)
        if let child = object as? any ChildProcessObject { return child.pid }
        guard case .int(let pid)? = object.details()["pid"] else { throw CommandError("\(handle) has no pid") }
        return Int32(pid)
    }
}
