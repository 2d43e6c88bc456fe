@preconcurrency import Glibc
import CLabShim

/// Memory two processes really share: a memfd (an anonymous file in RAM, `memfd_create` with MFD_CLOEXEC) mapped
/// MAP_SHARED. Its first page is a header (`conclab_shm_header` in the C shim): a process-shared mutex, a
/// process-shared robust mutex, the counter `shm count` races on, and the futex words of `ipc bench shm`. Children
/// are forked from the shell (C in CLabShim, async-signal-safe), so they inherit the mapping: a store one of them
/// makes is a store into the same physical page the shell reads, as `multiprocessing` with the fork start method
/// and a `shared_memory` block or `mmap(-1, n)` made before the fork.
public final class SharedSegment: @unchecked Sendable {
    // The descriptor, the mapping and the header pointer are set once in `create`; `closed` guards the unmapping.
    public let fd: Int32
    public let size: Int
    /// What memfd_create was given (the mapping shows as `/memfd:NAME (deleted)`).
    public let name: String
    private let base: UnsafeMutableRawPointer
    /// The C header (`conclab_shm_header`), opaque to Swift: only the shim's functions touch it.
    private let header: OpaquePointer
    private let closed = Locked(false)

    /// Bytes the header takes at the start of every segment.
    public static let headerSize = Int(CONCLAB_SHM_HEADER_SIZE)
    /// At most this many counting workers at once.
    public static let maxWorkers = Int(CONCLAB_SHM_MAX_WORKERS)

    private init(fd: Int32, size: Int, name: String, base: UnsafeMutableRawPointer) {
        self.fd = fd
        self.size = size
        self.name = name
        self.base = base
        header = OpaquePointer(base)
    }

    /// A new memfd of `size` bytes (at least the header), mapped read-write and shared, its header initialised.
    public static func create(name: String, size: Int) throws(OSError) -> SharedSegment {
        guard size >= headerSize else { throw OSError("make", .invalidArgument, subject: "a shared segment under \(headerSize) bytes") }
        let fd = try valueOrErrno("memfd_create", subject: name) { name.withCString { conclab_memfd_create($0) } }
        do throws(OSError) {
            _ = try valueOrErrno("resize", subject: "the memfd to \(size) bytes") { ftruncate(fd, off_t(size)) }
            let mapped = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
            guard let mapped, mapped != UnsafeMutableRawPointer(bitPattern: -1) else {
                throw OSError("map", errno: errno, subject: "\(size) bytes of the memfd")
            }
            let rc = conclab_shm_init(OpaquePointer(mapped), UInt64(size))
            if rc != 0 {
                munmap(mapped, size)
                throw OSError("initialise", errno: rc, subject: "the process-shared mutexes")
            }
            return SharedSegment(fd: fd, size: size, name: name, base: mapped)
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    /// Where the segment starts in this process.
    public var address: UInt { UInt(bitPattern: base) }

    public var isClosed: Bool { closed.withLock { $0 } }

    /// Unmaps it and closes the descriptor (once). Children that mapped it keep their mapping: the memory lives on
    /// until the last mapping and descriptor are gone.
    public func close() {
        let first = closed.withLock { wasClosed in
            defer { wasClosed = true }
            return !wasClosed
        }
        guard first else { return }
        munmap(base, size)
        Glibc.close(fd)
    }

    /// This mapping's line of /proc/self/maps (`7f…-7f… rw-s 00000000 00:01 1234  /memfd:conclab-m1 (deleted)`).
    public func mapsLine(root: String = ProcFS.defaultRoot) -> String? {
        guard let maps = try? ProcFS.readFile(root + "/self/maps") else { return nil }
        let start = String(address, radix: 16)
        return maps.split(separator: "\n").first { line in
            guard let dash = line.firstIndex(of: "-") else { return false }
            return line[..<dash].drop { $0 == "0" } == start[...].drop { $0 == "0" }
        }.map(String.init)
    }

    /// The counter `shm count` races on, as it is now.
    public var counter: Int64 { conclab_shm_counter(header) }

    // MARK: the mutexes

    /// Which of the segment's two process-shared mutexes.
    public enum MutexKind: String, Sendable, CaseIterable {
        /// "mutex" or "robust mutex", for sentences.
        public var label: String { self == .robust ? "robust mutex" : "mutex" }

        /// The default type: a holder that dies leaves it locked for ever.
        case mutex
        /// PTHREAD_MUTEX_ROBUST: the next locker after a dead holder gets EOWNERDEAD.
        case robust
    }

    private func mutex(_ kind: MutexKind) -> UnsafeMutablePointer<pthread_mutex_t> {
        conclab_shm_mutex(header, kind == .robust ? 1 : 0)
    }

    /// What a mutex's memory says about it, read without locking it.
    public enum MutexState: Sendable, Equatable {
        case free
        /// Locked; `tid` is the owner glibc recorded (a thread id; a single-threaded process's is its pid).
        case held(tid: Int32)
        /// A robust mutex whose holder died: the kernel marked it (FUTEX_OWNER_DIED); the next locker gets EOWNERDEAD.
        case ownerDied(tid: Int32)
        /// A robust mutex let go after EOWNERDEAD without being made consistent: nobody can lock it again.
        case notRecoverable
    }

    public func state(_ kind: MutexKind) -> MutexState {
        var word: UInt32 = 0
        let owner = conclab_shm_mutex_owner(mutex(kind), &word)
        return Self.decode(kind, owner: owner, lockWord: word)
    }

    /// Reads glibc's fields: the lock word (a plain mutex: 0 free, 1 locked, 2 locked with waiters; a robust one:
    /// the owner's tid, with FUTEX_WAITERS 0x80000000 and FUTEX_OWNER_DIED 0x40000000) and `__owner`.
    public static func decode(_ kind: MutexKind, owner: Int32, lockWord: UInt32) -> MutexState {
        if owner == 0x7fff_fffe { return .notRecoverable }   // glibc's PTHREAD_MUTEX_NOTRECOVERABLE (INT_MAX - 1)
        switch kind {
        case .mutex:
            return lockWord == 0 ? .free : .held(tid: owner)
        case .robust:
            let tid = Int32(bitPattern: lockWord & 0x3fff_ffff)
            if tid != 0 { return .held(tid: tid) }
            if lockWord & 0x4000_0000 != 0 { return .ownerDied(tid: owner) }
            return .free
        }
    }

    /// How one try to take a mutex went (it is let go at once when taken).
    public enum LockAttempt: Sendable, Equatable {
        case taken
        case timedOut
        /// EOWNERDEAD: taken from a dead holder; `recovered` when `pthread_mutex_consistent` was called before letting go.
        case ownerDied(recovered: Bool)
        case notRecoverable
        case failed(Errno)
    }

    /// Tries to take mutex `kind` for at most `timeoutNanoseconds` (pthread_mutex_clocklock, CLOCK_MONOTONIC) and
    /// lets it go at once. After EOWNERDEAD it calls `pthread_mutex_consistent` first when `recover`.
    public func lockOnce(_ kind: MutexKind, timeoutNanoseconds: Int64, recover: Bool) -> LockAttempt {
        let rc = conclab_shm_lock_once(mutex(kind), timeoutNanoseconds, recover ? 1 : 0)
        switch rc {
        case 0: return .taken
        case ETIMEDOUT: return .timedOut
        case EOWNERDEAD: return .ownerDied(recovered: recover)
        case ENOTRECOVERABLE: return .notRecoverable
        default: return .failed(Errno(rawValue: rc))
        }
    }

    /// Forks a child that takes mutex `kind` and holds it until it is killed (it dies with the shell too). Waits
    /// at most `timeoutMilliseconds` for it to say it has the lock; if it has not (the mutex is held), it is killed,
    /// reaped, and ETIMEDOUT thrown. Returns its pid and what its lock call returned (0, or EOWNERDEAD: it took
    /// the mutex from a dead holder and made it consistent). Call from a thread that lives as long as the shell:
    /// the child's parent-death signal follows the thread that forked it.
    public func forkHolder(_ kind: MutexKind, timeoutMilliseconds: Int) throws(OSError) -> (pid: Int32, result: Errno) {
        let report = try System.pipe()
        defer { Glibc.close(report.read) }
        let pid = conclab_shm_fork_holder(mutex(kind), report.write)
        let forkError = errno
        Glibc.close(report.write)
        guard pid > 0 else { throw OSError("fork", errno: forkError) }
        var problem: OSError?
        let bytes = readPipe(report.read, upTo: 8, from: "the holding child", timeoutMilliseconds: timeoutMilliseconds, error: &problem)
        guard bytes.count == 8 else {
            _ = ChildProcess.reap(pid, within: 0)
            throw problem ?? OSError("take", errno: EIO, subject: "the \(kind.rawValue) (the child ended)")
        }
        let result = bytes[4..<8].reduce(Int32(0)) { ($0 << 8) | Int32($1) }
        return (pid, Errno(rawValue: result))
    }

    // MARK: counting

    /// What `count` measured.
    public struct CountRun: Sendable {
        public var pids: [Int32]
        /// Each worker's own count of the increments it made (in its private memory).
        public var tallies: [Int64]
        /// What the shared counter holds at the end.
        public var counted: Int64
        /// From the start signal until the shell saw the last worker end.
        public var nanoseconds: Int64
        public var statuses: [TerminationStatus]

        public var expected: Int64 { tallies.reduce(0, +) }
        public var lost: Int64 { expected - counted }
    }

    /// Forks `workers` children that each add 1 to the shared counter, with no lock or under mutex `lock`:
    /// `increments` times each, or (when nil) for `durationNanoseconds`. They start together (a futex the shell
    /// opens once all are ready). nil when `shouldStop` said so; every child is killed and reaped on every way out.
    /// Call from a thread that lives as long as the shell (see `forkHolder`).
    public func count(workers: Int, lock: MutexKind?, increments: Int64?, durationNanoseconds: Int64,
                      shouldStop: () -> Bool) throws(OSError) -> CountRun? {
        precondition((1...Self.maxWorkers).contains(workers))
        conclab_shm_count_reset(header)
        var pids: [Int32] = []
        var statuses: [Int32: TerminationStatus] = [:]
        func abandon() {
            conclab_shm_count_stop(header)
            for pid in pids where statuses[pid] == nil { try? ChildProcess.signal(pid, Signals.kill) }
            for pid in pids where statuses[pid] == nil { _ = try? ChildProcess.reap(pid, block: true) }
        }
        let lockCode: Int32 = lock.map { $0 == .robust ? 2 : 1 } ?? 0
        for index in 0..<workers {
            let pid = conclab_shm_fork_counter(header, Int32(index), lockCode, increments ?? 0)
            if pid <= 0 {
                let code = errno
                abandon()
                throw OSError("fork", errno: code, subject: "counting worker \(index + 1)")
            }
            pids.append(pid)
        }
        let readyBy = Clock.monotonicNanoseconds() + 10_000_000_000
        while Int(conclab_shm_count_ready(header)) < workers {
            if shouldStop() { abandon(); return nil }
            if let gone = pids.first(where: { (try? ChildProcess.peek($0)) ?? nil != nil }) {
                abandon()
                throw OSError("start", errno: ECHILD, subject: "counting worker pid \(gone) (it ended before it was ready)")
            }
            if Clock.monotonicNanoseconds() > readyBy {
                abandon()
                throw OSError("start", errno: ETIMEDOUT, subject: "the counting workers within 10 s")
            }
            System.sleep(nanoseconds: 200_000)
        }
        let start = Clock.monotonicNanoseconds()
        conclab_shm_count_go(header)
        if increments == nil {
            let end = start + durationNanoseconds
            while Clock.monotonicNanoseconds() < end {
                if shouldStop() { abandon(); return nil }
                System.sleep(nanoseconds: min(10_000_000, end - Clock.monotonicNanoseconds()))
            }
            conclab_shm_count_stop(header)
        }
        var finished: Int64 = start
        while statuses.count < pids.count {
            if shouldStop() { abandon(); return nil }
            for pid in pids where statuses[pid] == nil {
                if let ended = try? ChildProcess.peek(pid) {
                    statuses[pid] = ended
                    finished = Clock.monotonicNanoseconds()
                }
            }
            if let next = pids.first(where: { statuses[$0] == nil }) {
                _ = try? ChildProcess.waitUntilEnded(next, wake: nil, deadline: Clock.monotonicNanoseconds() + 20_000_000)
            }
        }
        for pid in pids { _ = try? ChildProcess.reap(pid, block: true) }
        return CountRun(pids: pids, tallies: (0..<workers).map { conclab_shm_tally(header, Int32($0)) }, counted: counter,
                        nanoseconds: finished - start, statuses: pids.map { statuses[$0] ?? .exited(-1) })
    }
}

/// `ipc bench shm`: the same ping-pongs and stream as the pipe and socket benchmarks, through a fresh segment
/// shared with a forked child. A round trip: the shell writes `size` bytes at the start of the data area and bumps a
/// sequence number; the child copies them next to it and bumps its own; each side spins about 100 times on the
/// other's number, then sleeps in futex (a waker calls FUTEX_WAKE only when the other side says it sleeps). The
/// stream: the shell copies each `block`-byte piece into a free slot of a ring of `slots` in the segment (one
/// memcpy, the copy a pipe's write also makes) and publishes it; the child reads every byte of it in place (memchr
/// for a 0, which the shell never writes) and hands the slot back; the time runs until the child has read the last
/// piece.
public enum SharedMemoryBench {
    public struct Figures: Sendable {
        public var samples: [Int64]
        public var streamNanoseconds: Int64
        /// The child found no 0 byte in any block: each slot held what the shell wrote (a fresh memfd is all zeros).
        public var checksumMatched: Bool
    }

    public static let slots = 4

    /// Runs the benchmark, or returns nil when `shouldStop` said so. Call on a thread that lives as long as the
    /// shell (the child is forked there); the traffic runs on a helper thread.
    public static func run(size: Int, rounds: Int, warmup: Int, block: Int, blocks: Int,
                           progress: (Double) -> Void, shouldStop: () -> Bool) throws(OSError) -> Figures? {
        let page = System.pageSize
        let data = max(2 * size, slots * block)
        let segment = try SharedSegment.create(name: "conclab-ipcbench", size: SharedSegment.headerSize + (data + page - 1) / page * page)
        defer { segment.close() }
        return try segment.bench(size: size, rounds: rounds, warmup: warmup, block: block, blocks: blocks,
                                 progress: progress, shouldStop: shouldStop)
    }

}

extension SharedSegment {
    fileprivate func bench(size: Int, rounds: Int, warmup: Int, block: Int, blocks: Int,
                           progress: (Double) -> Void, shouldStop: () -> Bool) throws(OSError) -> SharedMemoryBench.Figures? {
        conclab_shm_bench_reset(header)
        let data = base + Self.headerSize
        let pid = conclab_shm_bench_fork_peer(header, data.assumingMemoryBound(to: UInt8.self), size, rounds, block,
                                              SharedMemoryBench.slots, Int64(blocks))
        guard pid > 0 else { throw OSError("fork", errno: errno, subject: "the shared-memory benchmark's worker") }
        final class Box: @unchecked Sendable {
            // Written by the helper thread before `done`; read by the caller after it.
            var samples: [Int64] = []
            var stream: Int64 = -1
            var streaming = false
        }
        let box = Box()
        let done = Gate(false)
        let headerAddress = UInt(bitPattern: UnsafeRawPointer(header))
        let dataAddress = UInt(bitPattern: data)
        do throws(OSError) {
            try OSThread.detach(name: "conclab-shmbench") {
                defer { done.update { $0 = true } }
                let h = OpaquePointer(bitPattern: headerAddress)!
                let d = UnsafeMutablePointer<UInt8>(bitPattern: dataAddress)!
                let source = UnsafeMutablePointer<UInt8>.allocate(capacity: max(size, block))
                defer { source.deallocate() }
                source.initialize(repeating: UInt8(ascii: "x"), count: max(size, block))
                var samples = [Int64](repeating: 0, count: max(0, rounds - warmup))
                let ok = samples.withUnsafeMutableBufferPointer {
                    conclab_shm_bench_pingpong(h, d, source, size, rounds, warmup, $0.baseAddress) == 0
                }
                box.samples = samples
                guard ok else { return }
                done.update { _ in box.streaming = true }
                box.stream = conclab_shm_bench_stream(h, d, source, block, SharedMemoryBench.slots, Int64(blocks))
            }
        } catch {
            _ = ChildProcess.reap(pid, within: 0)
            throw error
        }
        var stopped = false
        while done.wait(timeoutNanoseconds: 20_000_000, until: { $0 ? true : nil }) == nil {
            let streaming = done.update { _ in box.streaming }
            let step = Double(conclab_shm_bench_progress(header))
            progress(streaming ? (Double(rounds) + step) / Double(rounds + blocks) : step / Double(rounds + blocks))
            if !stopped && shouldStop() {
                stopped = true
                conclab_shm_bench_abort(header)
                try? ChildProcess.signal(pid, Signals.kill)
            }
        }
        let status = ChildProcess.reap(pid, within: 2_000_000_000)
        if stopped { return nil }
        guard box.stream >= 0 else {
            throw OSError("run", errno: EIO, subject: "the shared-memory benchmark (its worker: \(status))")
        }
        let matched = conclab_shm_bench_checksum(header) == 0
        return .init(samples: box.samples, streamNanoseconds: max(1, box.stream), checksumMatched: matched)
    }
}
