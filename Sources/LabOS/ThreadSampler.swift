@preconcurrency import Glibc
import Synchronization
import CLabShim

/// Watches the OS threads of another process from /proc at a fixed rate (`watch python3`): every tick it reads each
/// thread's state letter (`/proc/PID/task/TID/stat`), its time on a CPU and on a run queue (`schedstat`,
/// nanoseconds), and for a thread that is asleep, where in the kernel it waits (`wchan`: a function of the futex
/// code is a lock, the GIL included). (`/proc/TID/syscall` would name the system call, but reading it for a thread
/// that has just woken puts the reader to sleep until that thread is off its queue: up to a scheduler tick.) The files of a thread stay open between ticks (`pread` at offset 0 makes the kernel write them
/// afresh), so a tick costs a few system calls per thread: for a thread asleep at the last sample too, only its `stat`
/// (which still shows at once that it woke: state R before it has run), with schedstat looked at again every
/// `waitEvery` ticks and `wchan` then only if schedstat moved. (`wchan` alone would show a woken thread too, as "0",
/// but it unwinds the thread's stack: measured at 1 kHz it costs more than `stat`.) Threads that appear are found by listing the task
/// directory when the main thread's `stat` counts a different number of threads (and every `listEvery` ticks).
///
/// State R means "on a CPU, or ready and waiting for one", and a sample cannot tell which: schedstat's two times
/// move only when the scheduler updates them, at a switch and at its tick (every 4 ms at 250 Hz). So the samples
/// are labelled once sampling ends: of the R samples between two updates of a thread's schedstat, the update's
/// share of time on a CPU (against time on a run queue) are drawn running, the rest waiting for a CPU. The samples
/// after a thread's last update stay running.
public enum ThreadSampler {
    /// What one thread was doing from `nanoseconds` on (the sample that saw it), recorded when it changes.
    public struct Change: Sendable, Equatable {
        public var nanoseconds: Int64
        public var tid: Int32
        public var activity: Activity
    }

    public enum Activity: Sendable, Equatable {
        /// On a CPU (state R, within schedstat's share of time on a CPU).
        case running
        /// Ready to run (state R) beyond schedstat's share of time on a CPU: another thread or program had the CPUs.
        case waitingCPU
        /// Asleep in the futex code: waiting for a lock (in CPython, the GIL is one).
        case waitingLock
        /// Asleep anywhere else, with the kernel function it waits in (`hrtimer_nanosleep`, `do_sys_poll` …) when
        /// /proc says.
        case sleeping(String?)
        /// Stopped (T), a zombie (Z), or its task directory is gone.
        case ended

        /// Waiting in a system call (a lock or anything else).
        var isAsleep: Bool {
            switch self {
            case .waitingLock, .sleeping: return true
            default: return false
            }
        }
    }

    public struct ThreadReport: Sendable, Equatable {
        public var tid: Int32
        public var firstSeen: Int64
        public var lastSeen: Int64
        /// Time on a CPU while watched (schedstat, first to last sample).
        public var cpuNanoseconds: Int64
        /// Time ready to run but kept off a CPU (schedstat's run queue time), first to last sample.
        public var cpuWaitNanoseconds: Int64
        public var samples: Int
        public var runningSamples: Int
        public var cpuWaitSamples: Int
        public var lockSamples: Int
    }

    public struct Report: Sendable {
        public var pid: Int32
        /// Every thread's changes, in time order.
        public var changes: [Change]
        public var threads: [ThreadReport]
        public var ticks: Int
        /// Ticks at which two or more threads were running at once.
        public var overlapTicks: Int
        /// Ticks at which at least one thread was running.
        public var runningTicks: Int
        public var startedAt: Int64
        public var endedAt: Int64
        /// CPU time of the sampling thread itself.
        public var samplerCPUNanoseconds: Int64
        public var peakRSSBytes: Int64?
        public var peakPSSBytes: Int64?
        /// The most child processes it had at once (read with the memory, every `memoryEvery` ticks).
        public var peakChildren: Int
        /// The largest sum of its children's PSS seen.
        public var peakChildrenPSSBytes: Int64?
        public var intervalNanoseconds: Int64
        /// Samples not kept because the run was longer than `sampleLimit` allows.
        public var droppedSamples: Int
    }

    /// A sampler at work on a thread of its own; `finish` stops it and returns what it saw.
    public final class Running: Sendable {
        private let stopFlag = Atomic<Bool>(false)
        private let result = Gate<Report?>(nil)

        fileprivate init() {}

        fileprivate var shouldStop: Bool { stopFlag.load(ordering: .acquiring) }
        fileprivate func deliver(_ report: Report) { result.update { $0 = report } }

        /// Stops sampling (at once, or after the tick under way) and returns the report.
        public func finish() -> Report {
            stopFlag.store(true, ordering: .releasing)
            return result.wait { $0 }!
        }
    }

    public static let listEvery = 100
    public static let memoryEvery = 200
    /// smaps_rollup, whose read walks the page tables (most of what reading the memory costs), is read every
    /// `memoryEvery` ticks while the resident size in `stat` grows, and at least this often.
    public static let rollupEvery = 1000
    /// A thread found asleep again has its schedstat read again only this often, and its wait channel then only if
    /// schedstat moved (it ran in between; otherwise it cannot wait anywhere else).
    public static let waitEvery = 10
    /// Samples kept over all threads (about 40 bytes each); later ones are counted, not kept.
    public static let sampleLimit = 2_000_000

    /// Starts sampling the threads of `pid` every `intervalNanoseconds` until it ends or `finish` is called.
    public static func start(pid: Int32, intervalNanoseconds: Int64, root: String = ProcFS.defaultRoot) throws(OSError) -> Running {
        let running = Running()
        try OSThread.detach(name: "conclab-sampler") {
            // A short slice: on a busy core the woken sampler preempts the running thread sooner (EEVDF).
            _ = conclab_request_short_slice(100_000)
            running.deliver(sample(pid: pid, interval: intervalNanoseconds, root: root, stop: { running.shouldStop }))
        }
        return running
    }

    /// What one sample saw of one thread, before labelling: plain numbers, so that a tick copies no reference.
    package struct Sample: Equatable {
        package enum Seen: UInt8 { case ready, asleep, ended }
        var tick: Int32
        var seen: Seen
        /// For `asleep`: where it waited, an index into the sampler's list of wait channels (-1 unknown).
        var wait: Int16
        var nanoseconds: Int64
        var run: Int64
        var delay: Int64

        package init(tick: Int32, seen: Seen, wait: Int16, nanoseconds: Int64, run: Int64, delay: Int64) {
            self.tick = tick
            self.seen = seen
            self.wait = wait
            self.nanoseconds = nanoseconds
            self.run = run
            self.delay = delay
        }

        /// What the sample shows before labelling: `.running` for state R (running or waiting for a CPU); `waits`
        /// names the wait channels.
        func activity(_ waits: [String]) -> Activity {
            switch seen {
            case .ready: return .running
            case .ended: return .ended
            case .asleep:
                guard wait >= 0, Int(wait) < waits.count else { return .sleeping(nil) }
                return waits[Int(wait)].contains("futex") ? .waitingLock : .sleeping(waits[Int(wait)])
            }
        }
    }

    /// One watched thread's open files and its samples.
    private struct Watched {
        var tid: Int32
        var stat: Int32
        var schedstat: Int32
        /// `/proc/PID/task/TID/wchan`, or -1 where it cannot be read (another user's process).
        var wchan: Int32
        var samples: [Sample] = []
        /// The last of `samples`, kept beside the descriptors: a tick reads it without touching the samples' storage.
        var last: Sample?
        var ended = false

        func closeFiles() {
            close(stat); close(schedstat)
            if wchan >= 0 { close(wchan) }
        }
    }

    private static func sample(pid: Int32, interval: Int64, root: String, stop: () -> Bool) -> Report {
        let cpuAtStart = Clock.threadCPUNanoseconds()
        let started = Clock.monotonicNanoseconds()
        let taskDirectory = root + "/\(pid)/task"
        var threads: [Watched] = []
        var known: Set<Int32> = []
        var ticks: Int32 = 0
        var listedCount: Int?
        /// The main thread's `stat` count of resident pages, and that count and the tick at the last smaps_rollup.
        var resident: Int64?
        var lastRollup: (tick: Int, resident: Int64?)?
        var waits: [String] = []
        var kept = 0, dropped = 0
        var peakRSS: Int64?, peakPSS: Int64?, peakChildrenPSS: Int64?
        var peakChildren = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1024, alignment: 8)
        defer { buffer.deallocate() }
        var next = started
        defer { for w in threads where !w.ended { w.closeFiles() } }
        // The task directory stays open too: listing it again is a rewind and a read, not a walk of its path.
        var directory = opendir(taskDirectory)
        defer { if let directory { closedir(directory) } }

        /// The index of a wait channel's name in `waits`, added on first sight (-1 for none: "0", or too many names).
        func intern(_ text: UnsafeRawBufferPointer) -> Int16 {
            guard !text.isEmpty, text.first != UInt8(ascii: "0") else { return -1 }
            let name = String(decoding: text, as: UTF8.self).trimmed()
            if let index = waits.firstIndex(of: name) { return Int16(index) }
            guard waits.count < Int(Int16.max) else { return -1 }
            waits.append(name)
            return Int16(waits.count - 1)
        }

        /// The file's text afresh (valid until the next read).
        func read(_ fd: Int32) -> UnsafeRawBufferPointer {
            let count = pread(fd, buffer.baseAddress, buffer.count, 0)
            return UnsafeRawBufferPointer(rebasing: buffer[0..<max(0, count)])
        }

        while true {
            let now = Clock.monotonicNanoseconds()
            var count: Int?
            for i in threads.indices where !threads[i].ended {
                let line = read(threads[i].stat)
                let state = stateLetter(line) ?? UInt8(ascii: "X")
                if threads[i].tid == pid {
                    count = threadCount(line)
                    resident = statNumber(line, field: 24)
                }
                let last = threads[i].last
                var seen = Sample.Seen.asleep
                switch state {
                case UInt8(ascii: "R"): seen = .ready
                case UInt8(ascii: "Z"), UInt8(ascii: "X"), UInt8(ascii: "x"), UInt8(ascii: "T"), UInt8(ascii: "t"): seen = .ended
                default: break
                }
                // Asleep at the last sample too: its times have not moved unless it ran in between, which only a
                // look every `waitEvery` ticks finds out.
                let lookAgain = ticks % Int32(waitEvery) == 0
                let times = seen == .asleep && last?.seen == .asleep && !lookAgain
                    ? last.map { ($0.run, $0.delay) } : twoNumbers(read(threads[i].schedstat))
                var wait: Int16 = -1
                if seen == .asleep {
                    if let same = unchangedWait(last: last, times: times, lookAgain: lookAgain) {
                        wait = same
                    } else if threads[i].wchan >= 0 {
                        wait = intern(read(threads[i].wchan))
                    }
                }
                if times == nil { seen = .ended }
                if seen == .ended {
                    threads[i].closeFiles()
                    threads[i].ended = true
                }
                let sample = Sample(tick: ticks, seen: seen, wait: wait, nanoseconds: now,
                                    run: times?.0 ?? last?.run ?? 0, delay: times?.1 ?? last?.delay ?? 0)
                threads[i].last = sample
                if kept < sampleLimit {
                    threads[i].samples.append(sample)
                    kept += 1
                } else {
                    dropped += 1
                }
            }
            // The task directory is listed when the main thread's stat counts a thread more or fewer, and every
            // `listEvery` ticks besides (a thread found now has its first sample at the next tick).
            if ticks % Int32(listEvery) == 0 || count != listedCount {
                listedCount = count
                if directory == nil { directory = opendir(taskDirectory) }
                let listed = directory.map(taskIDs) ?? []
                if listed.isEmpty && ticks > 0 && threads.allSatisfy(\.ended) { break }
                for tid in listed where !known.contains(tid) {
                    let base = taskDirectory + "/\(tid)"
                    let stat = open(base + "/stat", O_RDONLY | O_CLOEXEC)
                    guard stat >= 0 else { continue }
                    let schedstat = open(base + "/schedstat", O_RDONLY | O_CLOEXEC)
                    guard schedstat >= 0 else { close(stat); continue }
                    known.insert(tid)
                    threads.append(Watched(tid: tid, stat: stat, schedstat: schedstat, wchan: open(base + "/wchan", O_RDONLY | O_CLOEXEC)))
                }
            }
            ticks += 1
            if Int(ticks) % memoryEvery == 1 {
                if rollupDue(tick: Int(ticks), resident: resident, last: lastRollup) {
                    lastRollup = (Int(ticks), resident)
                    if let memory = ProcFS.memoryRollup(pid: pid, root: root) {
                        if let rss = memory["Rss"] { peakRSS = max(peakRSS ?? 0, rss) }
                        if let pss = memory["Pss"] { peakPSS = max(peakPSS ?? 0, pss) }
                    }
                }
                // Its child processes (multiprocessing's workers): how many, and their PSS together.
                var children: Set<Int32> = []
                for w in threads where !w.ended {
                    let text = (try? ProcFS.readFile(taskDirectory + "/\(w.tid)/children")) ?? ""
                    for word in text.split(separator: " ") { if let child = Int32(word.trimmed()) { children.insert(child) } }
                }
                if !children.isEmpty {
                    peakChildren = max(peakChildren, children.count)
                    let pss = children.compactMap { ProcFS.memoryRollup(pid: $0, root: root)?["Pss"] }.reduce(0, +)
                    peakChildrenPSS = max(peakChildrenPSS ?? 0, pss)
                }
            }
            if stop() { break }
            next += interval
            let after = Clock.monotonicNanoseconds()
            if next < after - interval { next = after }   // fell behind (a busy machine): do not make up for it in a burst
            var deadline = timespec(tv_sec: Int(next / 1_000_000_000), tv_nsec: Int(next % 1_000_000_000))
            while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nil) == EINTR {}
            if stop() { break }
        }
        let endedAt = Clock.monotonicNanoseconds()
        let samplerCPU = Clock.threadCPUNanoseconds() - cpuAtStart
        return report(pid: pid, threads: threads.map { ($0.tid, $0.samples) }, waits: waits, ticks: Int(ticks), startedAt: started,
                      endedAt: endedAt, samplerCPU: samplerCPU, peakRSS: peakRSS, peakPSS: peakPSS, children: peakChildren,
                      childrenPSS: peakChildrenPSS, interval: interval, dropped: dropped)
    }

    /// Where a thread found asleep waits, when its `wchan` need not be read again: it was asleep at the last sample
    /// too, and its schedstat `times` (time on a CPU, on a run queue) have not moved since, so it has not run and
    /// cannot have gone to another wait. A wait not known then (`wchan` said "0") is read again when `lookAgain`.
    package static func unchangedWait(last: Sample?, times: (Int64, Int64)?, lookAgain: Bool) -> Int16? {
        guard let last, last.seen == .asleep, let times, times == (last.run, last.delay) else { return nil }
        return last.wait >= 0 || !lookAgain ? last.wait : nil
    }

    /// Whether smaps_rollup is read at a memory tick: the first time, when `resident` (pages, from `stat`) is above
    /// what it was at the last read or is not known, and `rollupEvery` ticks after the last read in any case (PSS
    /// also grows when a process that shared pages ends).
    package static func rollupDue(tick: Int, resident: Int64?, last: (tick: Int, resident: Int64?)?) -> Bool {
        guard let last, let resident, let before = last.resident else { return true }
        return resident > before || tick - last.tick >= rollupEvery
    }

    /// The samples of every thread labelled and summed up (pure: tests feed it samples).
    static func report(pid: Int32, threads: [(tid: Int32, samples: [Sample])], waits: [String], ticks: Int, startedAt: Int64, endedAt: Int64,
                       samplerCPU: Int64, peakRSS: Int64?, peakPSS: Int64?, children: Int = 0, childrenPSS: Int64? = nil,
                       interval: Int64, dropped: Int) -> Report {
        var runningAt = [UInt8](repeating: 0, count: ticks + 1)
        var changes: [Change] = []
        var reports: [ThreadReport] = []
        for thread in threads {
            let labels = label(thread.samples, waits: waits)
            var previous: Activity?
            var running = 0, waitingCPU = 0, lock = 0
            for (sample, activity) in zip(thread.samples, labels) {
                if activity != previous { changes.append(Change(nanoseconds: sample.nanoseconds, tid: thread.tid, activity: activity)) }
                previous = activity
                switch activity {
                case .running:
                    running += 1
                    let t = Int(sample.tick)
                    if t < runningAt.count { runningAt[t] &+= 1 }
                case .waitingCPU: waitingCPU += 1
                case .waitingLock: lock += 1
                default: break
                }
            }
            let alive = thread.samples.filter { $0.seen != .ended }
            reports.append(ThreadReport(tid: thread.tid, firstSeen: thread.samples.first?.nanoseconds ?? startedAt,
                                        lastSeen: alive.last?.nanoseconds ?? thread.samples.first?.nanoseconds ?? startedAt,
                                        cpuNanoseconds: (alive.last?.run ?? 0) - (alive.first?.run ?? 0),
                                        cpuWaitNanoseconds: (alive.last?.delay ?? 0) - (alive.first?.delay ?? 0),
                                        samples: alive.count, runningSamples: running, cpuWaitSamples: waitingCPU, lockSamples: lock))
        }
        changes.sort { $0.nanoseconds < $1.nanoseconds }
        return Report(pid: pid, changes: changes, threads: reports, ticks: ticks, overlapTicks: runningAt.filter { $0 >= 2 }.count,
                      runningTicks: runningAt.filter { $0 >= 1 }.count, startedAt: startedAt, endedAt: endedAt,
                      samplerCPUNanoseconds: samplerCPU, peakRSSBytes: peakRSS, peakPSSBytes: peakPSS, peakChildren: children,
                      peakChildrenPSSBytes: childrenPSS, intervalNanoseconds: interval,
                      droppedSamples: dropped)
    }

    /// What each sample of one thread shows: its R samples are running or waiting for a CPU by the first later
    /// update of its schedstat times (see the type's comment); the others as seen.
    package static func label(_ samples: [Sample], waits: [String]) -> [Activity] {
        var labels = samples.map { $0.activity(waits) }
        var start = 0   // the first sample after the last update seen
        for i in samples.indices.dropFirst() where samples[i].run != samples[i - 1].run || samples[i].delay != samples[i - 1].delay {
            let ran = samples[i].run - samples[i - 1].run, waited = samples[i].delay - samples[i - 1].delay
            // The update came between sample i - 1 and sample i: it covers the R samples since the one before, and
            // its share of time on a CPU is the share of them drawn running. In which order the thread ran and
            // waited within it is not known: the running ones come first.
            let ready = (start..<i).filter { samples[$0].seen == .ready }
            let share = ran + waited > 0 ? Double(ran) / Double(ran + waited) : 1
            let runningCount = Int((share * Double(ready.count)).rounded())
            for (k, j) in ready.enumerated() { labels[j] = k < runningCount ? .running : .waitingCPU }
            start = i
        }
        return labels
    }

    /// The thread ids in an open `task` directory, read from its start (plain readdir: every entry is a number).
    static func taskIDs(_ dir: OpaquePointer) -> [Int32] {
        rewinddir(dir)
        var ids: [Int32] = []
        while let entry = readdir(dir) {
            let id = withUnsafeBytes(of: entry.pointee.d_name) { name in firstNumber(name) }
            if let id, id > 0, id <= Int64(Int32.max) { ids.append(Int32(id)) }
        }
        return ids.sorted()
    }

    // The lines a tick reads are parsed with plain index arithmetic over the read buffer, not generic collection
    // code: a debug build samples at 1 kHz too, and unspecialized generic code costs microseconds a line there.

    /// The offset of the `)` that closes the command in a `stat` line: the last one, since the command may hold one
    /// too. Only numbers and the state letter follow it, so the last `)` of the line's first 128 bytes is it when the
    /// command ends there (it is at most 64 bytes long), and the rest of the line is not scanned.
    static func commandEnd(_ line: UnsafeRawBufferPointer) -> Int? {
        func lastParenthesis(before end: Int) -> Int? {
            var index = end - 1
            while index >= 0 {
                if line[index] == UInt8(ascii: ")") { return index }
                index -= 1
            }
            return nil
        }
        return lastParenthesis(before: min(line.count, 128)) ?? lastParenthesis(before: line.count)
    }

    /// `num_threads`, the 20th field of a `stat` line.
    package static func threadCount(_ line: UnsafeRawBufferPointer) -> Int? {
        statNumber(line, field: 20).map(Int.init)
    }

    /// The number in a field of a `stat` line after the command, numbered from 1 as proc(5) does (20 `num_threads`,
    /// 24 `rss` in pages): field 3, the state, follows the command's closing parenthesis and a space.
    package static func statNumber(_ line: UnsafeRawBufferPointer, field: Int) -> Int64? {
        guard field >= 3, let close = commandEnd(line) else { return nil }
        var spaces = 0
        var index = close + 1
        while index < line.count {
            if line[index] == UInt8(ascii: " ") {
                spaces += 1
                if spaces == field - 2 { return decimal(line, at: index + 1)?.value }
            }
            index += 1
        }
        return nil
    }

    /// The state letter of a `stat` line: the first character after the last `)` and a space.
    package static func stateLetter(_ line: UnsafeRawBufferPointer) -> UInt8? {
        guard let close = commandEnd(line), close + 2 < line.count else { return nil }
        return line[close + 2]
    }

    /// The first two decimal numbers of a line, a space between them: schedstat's time on a CPU and time waiting on
    /// a run queue.
    package static func twoNumbers(_ line: UnsafeRawBufferPointer) -> (Int64, Int64)? {
        guard let first = decimal(line, at: 0), first.end < line.count, line[first.end] == UInt8(ascii: " "),
              let second = decimal(line, at: first.end + 1) else { return nil }
        return (first.value, second.value)
    }

    /// The decimal number that starts at `start`, and the offset after its last digit.
    static func decimal(_ line: UnsafeRawBufferPointer, at start: Int) -> (value: Int64, end: Int)? {
        var value: Int64 = 0
        var index = start
        while index < line.count, line[index] >= UInt8(ascii: "0"), line[index] <= UInt8(ascii: "9") {
            value = value &* 10 &+ Int64(line[index] &- UInt8(ascii: "0"))
            index += 1
        }
        return index > start ? (value, index) : nil
    }

    /// The first decimal number of a line (schedstat's time on a CPU).
    package static func firstNumber<Bytes: Collection>(_ bytes: Bytes) -> Int64? where Bytes.Element == UInt8 {
        var value: Int64 = 0
        var digits = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { break }
            value = value &* 10 &+ Int64(byte - UInt8(ascii: "0"))
            digits += 1
        }
        return digits > 0 ? value : nil
    }
}
