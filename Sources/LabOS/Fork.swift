@preconcurrency import Glibc
import CLabShim

/// What `wait4` says about a reaped child besides its status: the CPU it used and its peak memory.
public struct ChildUsage: Sendable, Equatable {
    public var userNanoseconds: Int64
    public var systemNanoseconds: Int64
    public var maxRSSBytes: Int64

    public init(userNanoseconds: Int64 = 0, systemNanoseconds: Int64 = 0, maxRSSBytes: Int64 = 0) {
        self.userNanoseconds = userNanoseconds
        self.systemNanoseconds = systemNanoseconds
        self.maxRSSBytes = maxRSSBytes
    }

    public var cpuNanoseconds: Int64 { userNanoseconds + systemNanoseconds }
}

extension ChildProcess {
    /// Blocks, without polling, until process `pid` has ended (pidfd_open, then poll) or `wake` (if any) becomes
    /// readable, at most until the monotonic clock reaches `deadline` (nil: no limit). True once the process has
    /// ended. Where the kernel has no pidfd (before 5.3) it returns false at once and the caller falls back to looking
    /// every few ms.
    public static func waitUntilEnded(_ pid: Int32, wake: Int32?, deadline: Int64?) throws(OSError) -> Bool {
        let fd = conclab_pidfd_open(pid)
        if fd < 0 {
            if errno == ESRCH { return true }   // already gone (reaped)
            return false
        }
        defer { Glibc.close(fd) }
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)] + (wake.map { [pollfd(fd: $0, events: Int16(POLLIN), revents: 0)] } ?? [])
        while true {
            var timeout: Int32 = -1
            if let deadline {
                let left = deadline - Clock.monotonicNanoseconds()
                if left <= 0 { return false }
                timeout = Int32(min(Int64(Int32.max), (left + 999_999) / 1_000_000))
            }
            let rc = fds.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), timeout) }
            if rc < 0 {
                if errno == EINTR { continue }
                throw OSError("poll", errno: errno, subject: "process \(pid)")
            }
            if fds[0].revents != 0 { return true }
            if (fds.count > 1 && fds[1].revents != 0) || rc == 0 { return false }
        }
    }

    /// Gives child `pid` up to `nanoseconds` to end by itself, kills it (SIGKILL) if it has not, and reaps it.
    public static func reap(_ pid: Int32, within nanoseconds: Int64) -> TerminationStatus {
        let deadline = Clock.monotonicNanoseconds() + nanoseconds
        while Clock.monotonicNanoseconds() < deadline {
            if (try? waitUntilEnded(pid, wake: nil, deadline: deadline)) == true { break }
            if let ended = try? peek(pid), ended != nil { break }   // no pidfd here: look every few ms
            usleep(2_000)
        }
        if let ended = try? peek(pid), ended != nil {} else { try? signal(pid, Signals.kill) }
        return (try? reap(pid, block: true)) ?? .exited(-1)
    }

    /// How child `pid` ended, without reaping it (`waitid` with WNOWAIT): nil while it runs. The child stays a
    /// zombie, its exit status kept by the kernel, until `reapWithUsage` (or `reap`) collects it.
    public static func peek(_ pid: Int32) throws(OSError) -> TerminationStatus? {
        var kind: Int32 = 0
        var value: Int32 = 0
        let rc = try valueOrErrno("waitid", subject: "for process \(pid)") { conclab_peek_child(pid, &kind, &value) }
        if rc == 0 { return nil }
        return kind == 1 ? .exited(value) : .signaled(value)
    }

    /// Reaps `pid` (`wait4`): its status and resource usage, or nil while it runs and `block` is false.
    public static func reapWithUsage(_ pid: Int32, block: Bool) throws(OSError) -> (TerminationStatus, ChildUsage)? {
        var status: Int32 = 0
        var user: Int64 = 0
        var system: Int64 = 0
        var maxRSS: Int64 = 0
        let rc = try valueOrErrno("wait for", subject: "process \(pid)") {
            conclab_reap_child(pid, block ? 1 : 0, &status, &user, &system, &maxRSS)
        }
        if rc == 0 { return nil }
        return (decode(status), ChildUsage(userNanoseconds: user * 1000, systemNanoseconds: system * 1000, maxRSSBytes: maxRSS * 1024))
    }

    /// `fork()`, with the child put in the state `attributes` describe (process group, signals, parent-death
    /// signal: the same description `spawn` applies). The child's pid in the parent, 0 in the child. Only for a
    /// single-threaded process (the fork server): in a process with other threads, the child may only make
    /// async-signal-safe calls (see `ForkDemo`). A child whose parent is already gone exits at once.
    public static func fork(applying attributes: Attributes) throws(OSError) -> Int32 {
        var cAttributes = attributes.cAttributes()
        return try valueOrErrno("fork", retryOnInterrupt: false) { conclab_fork_child(&cAttributes) }
    }
}

/// The copy-on-write demonstration: fork, let the child write to memory both share, and show the parent
/// still reads its own bytes. The child is written in C (CLabShim `conclab_fork_demo`) because after a fork in
/// a process with other threads it may only make async-signal-safe calls: no allocation, no lock, no Swift runtime.
public enum ForkDemo {
    /// The facts the demonstration gathered.
    public struct Report: Sendable, Equatable {
        public var parentPID: Int32
        public var childPID: Int32
        /// The virtual address of the shared slot: the same number in both processes.
        public var address: UInt
        public var parentBefore: String
        public var childSawBefore: String
        public var childSawAfter: String
        public var parentAfter: String
        /// From calling fork() to its return in the parent.
        public var forkNanoseconds: Int64
        public var childStatus: TerminationStatus
        /// Extra memory the parent had touched before forking (page tables to copy).
        public var touchedBytes: Int64
    }

    /// The slot holds this many bytes of text.
    public static let slotSize = 64

    /// Runs the demonstration; `touchMegabytes` MiB are written first so the learner can see fork get slower as
    /// the parent grows. Waits at most `timeoutMilliseconds` for the child's report.
    public static func run(parentText: String, childText: String, touchMegabytes: Int = 0,
                           timeoutMilliseconds: Int = 10_000) throws(OSError) -> Report {
        let pageSize = System.pageSize
        let slot = UnsafeMutableRawPointer.allocate(byteCount: pageSize, alignment: pageSize)
        defer { slot.deallocate() }
        slot.initializeMemory(as: UInt8.self, repeating: 0, count: pageSize)
        write(parentText, to: slot)
        let touched = max(0, touchMegabytes) << 20
        let ballast: UnsafeMutableRawPointer? = touched > 0 ? UnsafeMutableRawPointer.allocate(byteCount: touched, alignment: pageSize) : nil
        defer { ballast?.deallocate() }
        if let ballast {
            for offset in stride(from: 0, to: touched, by: pageSize) { ballast.storeBytes(of: UInt8(1), toByteOffset: offset, as: UInt8.self) }
        }
        let pipe = try System.pipe()
        let childBytes = Array(childText.utf8.prefix(slotSize - 1))
        let start = Clock.monotonicNanoseconds()
        let pid = childBytes.withUnsafeBufferPointer { text in
            conclab_fork_demo(slot.assumingMemoryBound(to: CChar.self), slotSize,
                              UnsafeRawPointer(text.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) }, text.count, pipe.write)
        }
        let forkTime = Clock.monotonicNanoseconds() - start
        try? FileDescriptor(pipe.write).close()
        guard pid > 0 else {
            let code = errno
            try? FileDescriptor(pipe.read).close()
            throw OSError("fork", errno: code)
        }
        var channelError: OSError?
        let report = readPipe(pipe.read, upTo: .max, from: "the forked child", timeoutMilliseconds: timeoutMilliseconds, error: &channelError)
        try? FileDescriptor(pipe.read).close()
        if report.count < 4 + 2 * slotSize { try? ChildProcess.signal(pid, Signals.kill) }
        let status = (try? ChildProcess.reap(pid, block: true)) ?? .exited(-1)
        if let channelError { throw channelError }
        guard report.count >= 4 + 2 * slotSize else {
            throw OSError("read the report of", errno: EIO, subject: "the forked child (\(report.count) bytes, \(status))")
        }
        let childPID = report[0..<4].reduce(Int32(0)) { ($0 << 8) | Int32($1) }
        return Report(parentPID: getpid(), childPID: childPID == pid ? childPID : pid, address: UInt(bitPattern: slot),
                      parentBefore: parentText, childSawBefore: text(report[4..<(4 + slotSize)]),
                      childSawAfter: text(report[(4 + slotSize)..<(4 + 2 * slotSize)]),
                      parentAfter: text(UnsafeRawBufferPointer(start: slot, count: slotSize)),
                      forkNanoseconds: forkTime, childStatus: status, touchedBytes: Int64(touched))
    }

    private static func write(_ text: String, to slot: UnsafeMutableRawPointer) {
        for (i, byte) in text.utf8.prefix(slotSize - 1).enumerated() { slot.storeBytes(of: byte, toByteOffset: i, as: UInt8.self) }
    }

    private static func text<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
}

extension ProcFS {
    /// Every process /proc shows (those that vanish while being read are skipped).
    public static func allProcesses(root: String = defaultRoot) -> [Stat] {
        Files.list(root).compactMap { name -> Stat? in
            let trimmed = name.hasSuffix("/") ? String(name.dropLast()) : name
            guard let pid = Int32(trimmed) else { return nil }
            return stat(pid: pid, root: root)
        }
    }

    /// The `smaps_rollup` figures of a process in bytes (`Rss`, `Pss`, `Private_Dirty` …); nil if unreadable.
    public static func memoryRollup(pid: Int32, root: String = defaultRoot) -> [String: Int64]? {
        (try? readFile(processDirectory(pid, root: root) + "/smaps_rollup")).map(parseKeyValues).flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// fork() while another thread holds a lock: the child's copy of the lock is held by a thread that the child does
/// not have (fork copies the whole memory but only the calling thread), so the child's first try to take it waits
/// for ever. Halfway through the wait the holder lets go and this process takes the lock itself: the child's copy
/// stays held. At the end the child is killed.
public enum ForkWhileLocked {
    public struct Report: Sendable {
        public var parentPID: Int32
        public var childPID: Int32
        /// The thread of this process that held the lock across the fork.
        public var holderTID: Int32
        /// When the holder let go, from the fork.
        public var releasedNanoseconds: Int64
        /// Whether this process took the lock once the holder let go.
        public var parentTookLock: Bool
        /// Whether the child took its lock and ended by itself within the wait.
        public var childGotLock: Bool
        /// What /proc showed of the child at the end of the wait (nil once it had ended).
        public var childState: ProcessState?
        public var waitChannel: String?
        public var systemCall: String?
        public var waitedNanoseconds: Int64
        public var childStatus: TerminationStatus
    }

    /// `stop` is asked every few milliseconds during the wait: true ends it early (the child is killed all the same).
    public static func run(waitMilliseconds: Int, stop: () -> Bool = { false }) throws(OSError) -> Report {
        // A raw pthread mutex at a stable address: the C child takes its copy by the same address.
        let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        let address = UInt(bitPattern: mutex)
        let ready = try System.pipe()
        let release: (read: Int32, write: Int32)
        do throws(OSError) { release = try System.pipe() } catch {
            for fd in [ready.read, ready.write] { try? FileDescriptor(fd).close() }
            throw error
        }
        var holding = false
        /// Has the holder let go (a byte, or the end of the release pipe), and waits until it says it has.
        func letGo() {
            guard holding else { return }
            holding = false
            _ = try? FileDescriptor(release.write).writeAll([1])
            var ignored: OSError?
            _ = readPipe(ready.read, upTo: 1, from: "the thread that holds the lock", timeoutMilliseconds: 5_000, error: &ignored)
        }
        defer {
            letGo()
            for fd in [ready.read, ready.write, release.read, release.write] { try? FileDescriptor(fd).close() }
            pthread_mutex_destroy(mutex)
            mutex.deallocate()
        }
        let readyWrite = ready.write, releaseRead = release.read
        try OSThread.detach(name: "conclab-holder") {
            let m = UnsafeMutablePointer<pthread_mutex_t>(bitPattern: address)!
            pthread_mutex_lock(m)
            let tid = conclab_gettid()
            _ = try? FileDescriptor(readyWrite).writeAll((0..<4).map { UInt8(truncatingIfNeeded: tid >> (8 * (3 - $0))) })
            _ = try? FileDescriptor(releaseRead).read(upTo: 1)
            pthread_mutex_unlock(m)
            _ = try? FileDescriptor(readyWrite).writeAll([1])
        }
        holding = true
        var started: OSError?
        let tidBytes = readPipe(ready.read, upTo: 4, from: "the thread that holds the lock", timeoutMilliseconds: 5_000, error: &started)
        guard tidBytes.count == 4 else { throw started ?? OSError("start the thread that holds the lock", errno: EIO) }
        let holder = tidBytes.reduce(Int32(0)) { ($0 << 8) | Int32($1) }
        let start = Clock.monotonicNanoseconds()
        let pid = conclab_fork_then_lock(mutex)
        guard pid > 0 else { throw OSError("fork", errno: errno) }
        let window = Int64(max(0, waitMilliseconds)) * 1_000_000
        var ended: TerminationStatus?
        var released: Int64 = 0
        var took = false
        while ended == nil && !stop() {
            let now = Clock.monotonicNanoseconds()
            if holding && now - start >= window / 2 {
                // The holder lets go in this process; this process can take the lock at once.
                letGo()
                released = Clock.monotonicNanoseconds() - start
                took = pthread_mutex_trylock(mutex) == 0
                if took { pthread_mutex_unlock(mutex) }
            }
            if now - start >= window { break }
            ended = try? ChildProcess.peek(pid)
            if ended == nil { usleep(2_000) }
        }
        let waited = Clock.monotonicNanoseconds() - start
        var state: ProcessState?, channel: String?, call: String?
        if ended == nil {
            state = ProcFS.stat(pid: pid)?.state
            channel = ProcFS.waitChannel(tid: pid, pid: pid).map { $0.trimmed() }.flatMap { $0.isEmpty || $0 == "0" ? nil : $0 }
            call = ProcFS.systemCall(pid: pid)
            try? ChildProcess.signal(pid, Signals.kill)
        }
        let status = (try? ChildProcess.reap(pid, block: true)) ?? ended ?? .exited(-1)
        return Report(parentPID: getpid(), childPID: pid, holderTID: holder, releasedNanoseconds: released, parentTookLock: took,
                      childGotLock: ended == .exited(0), childState: state, waitChannel: channel, systemCall: call,
                      waitedNanoseconds: waited, childStatus: status)
    }
}

/// Reads from pipe `fd` until `count` bytes have come or the writers have all closed it, giving up after the
/// timeout: what came, with `error` set (ETIMEDOUT, or the read's own) when it gave up. `from` names the writer.
func readPipe(_ fd: Int32, upTo count: Int, from writer: String, timeoutMilliseconds: Int, error: inout OSError?) -> [UInt8] {
    let deadline = Clock.monotonicNanoseconds() + Int64(timeoutMilliseconds) * 1_000_000
    var bytes: [UInt8] = []
    while bytes.count < count {
        let left = deadline - Clock.monotonicNanoseconds()
        if left <= 0 {
            error = OSError("read the report of", errno: ETIMEDOUT, subject: writer)
            return bytes
        }
        do throws(OSError) {
            guard try Descriptors.wait(fd, for: .readable, milliseconds: Int(min(left / 1_000_000 + 1, 1000))) else { continue }
            let chunk = try FileDescriptor(fd).read(upTo: min(4096, count - bytes.count))
            if chunk.isEmpty { return bytes }
            bytes += chunk
        } catch let e {
            error = e
            return bytes
        }
    }
    return bytes
}

/// What fork copies and what it leaves shared, measured: the time fork takes with and without a large buffer of
/// touched memory (the kernel copies one page-table entry per page), then a child that writes into the buffer step
/// by step while the shell reads the child's `Private_Dirty` and `Shared_Dirty` from /proc (copy-on-write: a page
/// the child writes becomes its own copy; the rest stays shared with the shell).
public enum ForkCopyOnWrite {
    public struct Step: Sendable, Equatable {
        /// How much of the buffer the child has written by now (one byte in every page of it).
        public var writtenBytes: Int64
        public var privateDirtyBytes: Int64
        public var sharedDirtyBytes: Int64
        /// How long this step's writes took the child (its own clock).
        public var writeNanoseconds: Int64
    }

    public struct Report: Sendable {
        public var parentPID: Int32
        public var childPID: Int32
        public var bufferBytes: Int64
        /// The fastest of three forks of the shell as it was, and of the shell with the buffer touched.
        public var baseForkNanoseconds: Int64
        public var grownForkNanoseconds: Int64
        public var steps: [Step]
        public var childStatus: TerminationStatus
    }

    static let forkTimings = 3

    /// `stop` is asked between steps: true ends the run early (the child is ended all the same).
    public static func run(megabytes: Int, steps: Int = 4, stop: () -> Bool = { false }) throws(OSError) -> Report {
        let pageSize = System.pageSize
        let length = max(1, megabytes) << 20
        let steps = min(max(1, steps), 100)
        let baseFork = try fastestFork()
        // Anonymous memory of its own, in 4 KiB pages (no transparent huge pages: one page-table entry per page).
        guard let raw = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), raw != MAP_FAILED else {
            throw OSError("map", errno: errno, subject: "\(megabytes) MiB for the fork measurement")
        }
        defer { munmap(raw, length) }
        _ = madvise(raw, length, MADV_NOHUGEPAGE)
        let buffer = raw.assumingMemoryBound(to: UInt8.self)
        for offset in stride(from: 0, to: length, by: pageSize) { buffer[offset] = 1 }
        let grownFork = try fastestFork()

        let command = try System.pipe()
        let report: (read: Int32, write: Int32)
        do throws(OSError) { report = try System.pipe() } catch {
            for fd in [command.read, command.write] { try? FileDescriptor(fd).close() }
            throw error
        }
        let pid = conclab_fork_writer(buffer, length, pageSize, Int32(steps), command.read, report.write, command.write)
        let forkError = errno
        for fd in [command.read, report.write] { try? FileDescriptor(fd).close() }
        var commandOpen = true
        defer {
            if commandOpen { try? FileDescriptor(command.write).close() }
            try? FileDescriptor(report.read).close()
        }
        guard pid > 0 else { throw OSError("fork", errno: forkError) }
        var rows = [try measure(pid, written: 0, nanoseconds: 0)]
        var failure: OSError?
        for k in 1...steps where !stop() {
            do throws(OSError) {
                try FileDescriptor(command.write).writeAll([UInt8(k)])
                let ack = readPipe(report.read, upTo: 8, from: "the forked child", timeoutMilliseconds: 10_000, error: &failure)
                guard ack.count == 8 else {
                    failure = failure ?? OSError("read the report of", errno: EIO, subject: "the forked child")
                    break
                }
                let nanoseconds = ack.reduce(Int64(0)) { ($0 << 8) | Int64($1) }
                let written = k == steps ? length : length / steps * k
                rows.append(try measure(pid, written: Int64(written), nanoseconds: nanoseconds))
            } catch {
                failure = error
                break
            }
        }
        try? FileDescriptor(command.write).close()
        commandOpen = false
        // The child ends at the end of its command pipe; one that does not is killed.
        let status = ChildProcess.reap(pid, within: 5_000_000_000)
        if let failure { throw failure }
        return Report(parentPID: getpid(), childPID: pid, bufferBytes: Int64(length), baseForkNanoseconds: baseFork,
                      grownForkNanoseconds: grownFork, steps: rows, childStatus: status)
    }

    private static func measure(_ pid: Int32, written: Int64, nanoseconds: Int64) throws(OSError) -> Step {
        guard let rollup = ProcFS.memoryRollup(pid: pid) else {
            throw OSError("read", errno: EIO, subject: "/proc/\(pid)/smaps_rollup")
        }
        return Step(writtenBytes: written, privateDirtyBytes: rollup["Private_Dirty"] ?? 0,
                    sharedDirtyBytes: rollup["Shared_Dirty"] ?? 0, writeNanoseconds: nanoseconds)
    }

    /// The fastest of a few forks of a child that exits at once: the time fork() takes in the parent.
    private static func fastestFork() throws(OSError) -> Int64 {
        var best = Int64.max
        for _ in 0..<forkTimings {
            let start = Clock.monotonicNanoseconds()
            let pid = conclab_fork_exit()
            let elapsed = Clock.monotonicNanoseconds() - start
            guard pid > 0 else { throw OSError("fork", errno: errno) }
            _ = try? ChildProcess.reap(pid, block: true)
            best = min(best, elapsed)
        }
        return best
    }
}

/// After fork the child has a copy of the shell's descriptor table: the same numbers, pointing at the same open
/// files. A file's offset lives in the open file, so the child's write moves the shell's offset; the child closing
/// its copy of the number leaves the shell's open.
public enum ForkSharedFile {
    public struct Report: Sendable {
        public var childPID: Int32
        public var fd: Int32
        public var parentFirst: String
        public var childText: String
        public var parentText: String
        public var offsetAtFork: Int64
        public var offsetAfterChild: Int64
        public var parentFDOpen: Bool
        public var content: String
        public var childStatus: TerminationStatus
    }

    public static func run(parentFirst: String, childText: String, parentText: String) throws(OSError) -> Report {
        // A temporary file, unlinked at once: it lives as long as the descriptor, and nothing is left behind.
        var template = Array((Scratch.baseDirectory + "/conclab-fork-fd-XXXXXX").utf8CString)
        let fd = try valueOrErrno("create", subject: "a temporary file in \(Scratch.baseDirectory)") {
            template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        unlink(template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        defer { Glibc.close(fd) }
        try FileDescriptor(fd).writeAll(parentFirst)
        let atFork = try Descriptors.seek(fd, to: 0, from: .current)
        let bytes = Array(childText.utf8)
        let pid = bytes.withUnsafeBufferPointer { text in
            conclab_fork_write_close(fd, UnsafeRawPointer(text.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) }, text.count)
        }
        guard pid > 0 else { throw OSError("fork", errno: errno) }
        let status = ChildProcess.reap(pid, within: 5_000_000_000)
        let afterChild = try Descriptors.seek(fd, to: 0, from: .current)
        let open = Descriptors.isOpen(fd)
        try FileDescriptor(fd).writeAll(parentText)
        var content = [UInt8](repeating: 0, count: 4096)
        let count = try valueOrErrno("read back", subject: "fd \(fd)") { content.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) } }
        return Report(childPID: pid, fd: fd, parentFirst: parentFirst, childText: childText, parentText: parentText,
                      offsetAtFork: atFork, offsetAfterChild: afterChild, parentFDOpen: open,
                      content: String(decoding: content.prefix(count), as: UTF8.self), childStatus: status)
    }
}
