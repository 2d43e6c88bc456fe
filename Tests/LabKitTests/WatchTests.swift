import LabOS
import Testing
import TestSupport
import LabKit
import LabCore

/// `watch python3`: the real CPython's threads sampled from /proc. The GIL shows as running spans that do not
/// overlap; hashing (which lets go of the GIL) as spans that do. Each test runs only where python3 is on PATH.
@Suite("watch python3", .serialized, .timeLimit(.minutes(3)))
struct WatchTests {
    static let spinning = """
        import threading
        def spin(n):
            x = 0
            for i in range(n):
                x += i
        threads = [threading.Thread(target=spin, args=(3_000_000,)) for _ in range(2)]
        for t in threads: t.start()
        for t in threads: t.join()
        print("spun")
        """

    static let hashing = """
        import hashlib, threading
        data = b"x" * (64 << 20)
        def work():
            for _ in range(4):
                hashlib.sha256(data).digest()
        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads: t.start()
        for t in threads: t.join()
        print("hashed")
        """

    /// A folder with the program, a session working in it, and the exported timeline's running spans per thread.
    struct Watched {
        var fields: Record
        var rows: Int
        /// The table's figures of each thread besides main: ms, ms, per cent.
        var workers: [(cpu: Double, cpuWait: Double, lockPercent: Double)]
        /// Per worker thread (not main): its running spans [start, end) in nanoseconds, from the exported SVG.
        var running: [String: [(Int64, Int64)]]
        /// The same with its spans of waiting for a CPU: the time it was in state R.
        var ready: [String: [(Int64, Int64)]]
    }

    static func watch(_ program: String) throws -> Watched? {
        guard Files.findExecutable("python3") != nil else { return nil }
        let folder = try Files.makeTemporaryDirectory(prefix: "conclab-watch-")
        defer { Files.removeTree(folder) }
        try Files.writeAtomically(folder + "/program.py", program)
        let session = Session()
        defer { session.shutdown() }
        let outcome = session.execute("watch python3 \(folder)/program.py")
        #expect(outcome.succeeded, "\(String(describing: outcome.failure))")
        guard case .table(let table) = outcome.result else { Issue.record("not a table: \(outcome.result)"); return nil }
        let export = session.execute("timeline export \(folder)/run.svg")
        #expect(export.succeeded, "\(String(describing: export.failure))")
        let svg = try Files.readText(folder + "/run.svg")
        let workers = (1..<table.rows.count).map {
            (table.record(at: $0)["cpu_ms"]?.number ?? 0, table.record(at: $0)["cpu_wait_ms"]?.number ?? 0,
             table.record(at: $0)["lock_pct"]?.number ?? 0)
        }
        return Watched(fields: outcome.result.fields, rows: table.rows.count, workers: workers, running: spans(svg, ["running"]),
                       ready: spans(svg, ["running", "waiting for a CPU"]))
    }

    /// The rects in `states` of each `thread …` row of a timeline SVG.
    static func spans(_ svg: String, _ states: Set<String>) -> [String: [(Int64, Int64)]] {
        var spans: [String: [(Int64, Int64)]] = [:]
        for group in svg.split(separator: "<g class=\"row\"").dropFirst() {
            guard let actor = attribute("data-actor", in: group), actor.hasPrefix("thread ") else { continue }
            var list: [(Int64, Int64)] = []
            for rect in group.split(separator: "<rect").dropFirst() where states.contains(attribute("data-state", in: rect) ?? "") {
                if let start = attribute("data-start-ns", in: rect).flatMap({ Int64($0) }),
                   let end = attribute("data-end-ns", in: rect).flatMap({ Int64($0) }) { list.append((start, end)) }
            }
            spans[actor] = list
        }
        return spans
    }

    static func attribute(_ name: String, in text: Substring) -> String? {
        guard let range = text.range(of: name + "=\"") else { return nil }
        return String(text[range.upperBound...].prefix { $0 != "\"" })
    }

    /// The time both threads ran at once, and the shorter one's running time.
    static func overlap(_ a: [(Int64, Int64)], _ b: [(Int64, Int64)]) -> (both: Int64, least: Int64) {
        var both: Int64 = 0
        for x in a { for y in b { both += max(0, min(x.1, y.1) - max(x.0, y.0)) } }
        let total = { (spans: [(Int64, Int64)]) in spans.reduce(Int64(0)) { $0 + $1.1 - $1.0 } }
        return (both, min(total(a), total(b)))
    }

    @Test func twoSpinningThreadsTakeTurnsOnTheGIL() throws {
        guard let watched = try Self.watch(Self.spinning) else { return }
        expectEqual(watched.fields["status"], .string("exited 0"))
        expectEqual(watched.fields["output"], .string("spun\n"))
        expectEqual(watched.rows, 3)
        let threads = watched.running.keys.sorted()
        try #require(threads.count == 2, "\(threads)")
        // Each ran for a good part of the run, and seldom at the same time as the other (around a hand-over of the
        // GIL), and each waited in futex. (They may be ready to run at once: a waiter wakes every 5 ms to ask for
        // the GIL, and on a busy machine it may wait a while for a CPU before it asks and sleeps again.)
        let (both, least) = Self.overlap(watched.running[threads[0]]!, watched.running[threads[1]]!)
        #expect(least > 50_000_000, "the shorter ran \(least) ns")
        #expect(Double(both) < 0.3 * Double(least), "ran together \(both) ns of \(least) ns")
        // About half of each thread's time is a wait for the GIL; on a machine as busy as 'make test' makes it, part of
        // that shows as waiting for a CPU instead (19.4% in futex for one thread once, the other 26.6%).
        #expect(watched.workers.allSatisfy { $0.lockPercent > 10 }, "lock_pct \(watched.workers.map(\.lockPercent))")
        expectEqual(watched.fields["threads"], .int(2))
        // Their CPU time (schedstat, exact over the run) fills one CPU at most: one thread runs Python at a time.
        let parallelism = try #require(watched.fields["parallelism"]?.number)
        #expect(parallelism < 1.2, "parallelism \(parallelism)")
    }

    @Test func twoHashingThreadsRunAtOnce() throws {
        guard System.usableCPUs.cores >= 2, let watched = try Self.watch(Self.hashing) else { return }
        expectEqual(watched.fields["output"], .string("hashed\n"))
        let threads = watched.running.keys.sorted()
        try #require(threads.count == 2, "\(threads)")
        // Without the GIL held, both are ready to run at the same time and neither waits for a lock; where the
        // machine had two free cores (they waited little for one), they also ran at the same time.
        let (bothReady, leastReady) = Self.overlap(watched.ready[threads[0]]!, watched.ready[threads[1]]!)
        #expect(Double(bothReady) > 0.7 * Double(leastReady), "ready together \(bothReady) ns of \(leastReady) ns")
        // Each waits for the GIL only for the moments it needs it (to start, and between two hashes).
        let lockShares = watched.workers.map(\.lockPercent)
        #expect(lockShares.allSatisfy { $0 < 10 }, "lock_pct \(lockShares)")
        let cpu = watched.workers.map(\.cpu).reduce(0, +), waited = watched.workers.map(\.cpuWait).reduce(0, +)
        if waited < 0.2 * cpu {
            let (both, least) = Self.overlap(watched.running[threads[0]]!, watched.running[threads[1]]!)
            #expect(Double(both) > 0.5 * Double(least), "ran together \(both) ns of \(least) ns")
        }
        #expect((watched.fields["pss_bytes"]?.number ?? 0) > Double(64 << 20), "\(String(describing: watched.fields["pss_bytes"]))")
    }

    /// Each spawned multiprocessing worker is an interpreter of its own: their PSS together is counted beside the
    /// parent's.
    @Test func childProcessesAndTheirMemory() throws {
        let program = """
            import multiprocessing as mp, time
            if __name__ == "__main__":
                ps = [mp.get_context("spawn").Process(target=time.sleep, args=(0.5,)) for _ in range(2)]
                for p in ps: p.start()
                for p in ps: p.join()
            """
        guard let watched = try Self.watch(program) else { return }
        expectEqual(watched.fields["status"], .string("exited 0"))
        #expect((watched.fields["children"]?.number ?? 0) >= 2, "\(String(describing: watched.fields["children"]))")
        let parent = try #require(watched.fields["pss_bytes"]?.number)
        let children = try #require(watched.fields["children_pss_bytes"]?.number)
        #expect(children > parent, "children \(children), parent \(parent)")
    }

    @Test func aReplayedLabRunsNoPython() throws {
        let scratch = try Files.makeTemporaryDirectory(prefix: "conclab-watch-skip")
        defer { Files.removeTree(scratch) }
        try Files.writeAtomically(scratch + "/p.py", "print(1)\n")
        let session = Session(sandbox: Sandbox(scratchDirectory: scratch))
        defer { session.shutdown() }
        let fields = session.execute("watch python3 p.py").result.fields
        expectEqual(fields["cpython"], .string("skipped"))
        expectEqual(fields["note"], .string("a replayed lab does not run python3"))
    }

    @Test func mistakesAreClearErrors() {
        let session = Session()
        defer { session.shutdown() }
        let other = session.execute("watch bash x.py")
        expectEqual(other.failure?.kind, .usage)
        #expect(other.failure?.message.contains("python3") == true, "\(String(describing: other.failure?.message))")
        guard Files.findExecutable("python3") != nil else { return }
        expectEqual(session.execute("watch python3 /nonexistent/x.py").failure?.message, "no such file: /nonexistent/x.py")
        expectEqual(session.execute("watch python3 x.py --hz 10").failure?.kind, .usage)
    }

    @Test func aProgramThatRunsTooLongIsKilledAndItsSamplesKept() throws {
        guard Files.findExecutable("python3") != nil else { return }
        let session = Session()
        defer { session.shutdown() }
        let outcome = session.execute("watch python3 --timeout 1 -c 'import time\\ntime.sleep(60)'")
        #expect(outcome.succeeded, "\(String(describing: outcome.failure))")
        expectEqual(outcome.result.fields["status"], .string("killed after 1 s (--timeout)"))
        #expect((outcome.result.fields["samples_per_s"]?.number ?? 0) > 100)
    }

    @Test func ctrlCKillsTheProgram() throws {
        guard Files.findExecutable("python3") != nil else { return }
        let folder = try Files.makeTemporaryDirectory(prefix: "conclab-watch-")
        defer { Files.removeTree(folder) }
        try Files.writeAtomically(folder + "/long.py", "import time\nprint('started', flush=True)\ntime.sleep(60)\n")
        let session = Session()
        defer { session.shutdown() }
        let cancellation = Cancellation()
        // This program's python3 only, by its command line: other tests run python3 from this process too.
        let script = folder + "/long.py"
        @Sendable func pythons() -> [ProcFS.Stat] {
            ProcFS.allProcesses().filter {
                $0.parentPID == System.processID
                    && ((try? ProcFS.readFile("/proc/\($0.pid)/cmdline")) ?? "").split(separator: "\0").contains { $0 == script }
            }
        }
        try cancel(cancellation, once: { !pythons().isEmpty })
        let started = Clock.monotonicNanoseconds()
        let outcome = session.execute("watch python3 \(folder)/long.py", cancellation: cancellation, nested: false)
        expectEqual(outcome.failure?.kind, .cancelled)
        #expect(Clock.monotonicNanoseconds() - started < 20_000_000_000)
        #expect(pythons().isEmpty)
    }
}

@Suite struct ThreadSamplerParsingTests {
    @Test func stateLetterSyscallAndSchedstat() {
        let stat = Array("4242 (python3 (x)) S 1 4242 4242 0 -1 4194560 1 0 0 0 3 1 0 0 20 0 3 0".utf8)
        expectEqual(stat.withUnsafeBytes(ThreadSampler.stateLetter), UInt8(ascii: "S"))
        expectEqual(stat.withUnsafeBytes(ThreadSampler.threadCount), 3)
        expectEqual(Array("12 (x)".utf8).withUnsafeBytes(ThreadSampler.stateLetter), nil)
        expectEqual(Array("357588967 87489894 559\n".utf8).withUnsafeBytes(ThreadSampler.twoNumbers).map { [$0.0, $0.1] }, [357_588_967, 87_489_894])
        expectEqual(Array("357588967\n".utf8).withUnsafeBytes(ThreadSampler.twoNumbers).map { [$0.0, $0.1] }, nil)
        expectEqual(ThreadSampler.firstNumber(Array("357588967 87489894 559\n".utf8)), 357_588_967)
        expectEqual(ThreadSampler.firstNumber(Array("".utf8)), nil)
        #if arch(x86_64)
        expectEqual(ProcFS.systemCallName(Array("202 0x7f 0x80 0x0 0x0 0x0 0x0 0x7ffd 0x7f12\n".utf8)[...]), "futex")
        expectEqual(ProcFS.systemCallName(Array("230 0x1 0x1 0x7ffd 0x0 0x0 0x0 0x7ffd 0x7f12\n".utf8)[...]), "clock_nanosleep")
        #endif
        expectEqual(ProcFS.systemCallName(Array("running\n".utf8)[...]), nil)
    }

    /// The `)` after the command is found where the command holds one too, in a line longer than the part looked
    /// at first, and beyond that part when a command (longer than the kernel's) ends there.
    @Test func theCommandEndsAtItsLastParenthesis() {
        let tail = " 1 4242 4242 0 -1 4194560 1 0 0 0 3 1 0 0 20 0 7 0 123 4096 55" + String(repeating: " 0", count: 60)
        let line = Array(("4242 (a) R 1 (b)) S" + tail).utf8)
        expectEqual(line.withUnsafeBytes(ThreadSampler.stateLetter), UInt8(ascii: "S"))
        expectEqual(line.withUnsafeBytes(ThreadSampler.threadCount), 7)
        let long = Array(("4242 (" + String(repeating: "x", count: 130) + ") D" + tail).utf8)
        expectEqual(long.withUnsafeBytes(ThreadSampler.stateLetter), UInt8(ascii: "D"))
        expectEqual(long.withUnsafeBytes(ThreadSampler.threadCount), 7)
        expectEqual(line.withUnsafeBytes { ThreadSampler.statNumber($0, field: 24) }, 55)
        expectEqual(long.withUnsafeBytes { ThreadSampler.statNumber($0, field: 23) }, 4096)
        expectEqual(line.withUnsafeBytes { ThreadSampler.statNumber($0, field: 200) }, nil)
    }

    /// smaps_rollup is read the first time, when stat's resident pages grew, when they are not known, and after
    /// `rollupEvery` ticks; not while they stand still or shrink.
    @Test(arguments: [
        (Optional(Int64(90)), Optional((tick: 201, resident: Optional(Int64(100)))), 401, false),
        (100, (201, 100), 401, false),
        (101, (201, 100), 401, true),
        (100, (201, 100), 201 + ThreadSampler.rollupEvery, true),
        (nil, (201, 100), 401, true),
        (100, (201, nil), 401, true),
        (100, nil, 1, true),
    ])
    func theRollupIsReadWhenResidentMemoryGrows(resident: Int64?, last: (tick: Int, resident: Int64?)?, tick: Int, due: Bool) {
        expectEqual(ThreadSampler.rollupDue(tick: tick, resident: resident, last: last), due)
    }

    /// A thread asleep at the last sample keeps its wait only while its schedstat times stand still; a wait not
    /// known is asked again when it is time to look again.
    @Test(arguments: [
        (ThreadSampler.Sample.Seen.asleep, Int16(1), Int64(5), false, Optional(Int16(1))),
        (.asleep, 1, 5, true, 1),
        (.asleep, 1, 6, true, nil),
        (.ready, 1, 5, false, nil),
        (.asleep, -1, 5, false, -1),
        (.asleep, -1, 5, true, nil),
    ])
    func aWaitIsReadAgainOnlyAfterTheThreadRan(seen: ThreadSampler.Sample.Seen, wait: Int16, run: Int64, lookAgain: Bool,
                                              expected: Int16?) {
        let last = ThreadSampler.Sample(tick: 3, seen: seen, wait: wait, nanoseconds: 3_000_000, run: 5, delay: 2)
        expectEqual(ThreadSampler.unchangedWait(last: last, times: (run, 2), lookAgain: lookAgain), expected)
        expectEqual(ThreadSampler.unchangedWait(last: nil, times: (run, 2), lookAgain: lookAgain), nil)
        expectEqual(ThreadSampler.unchangedWait(last: last, times: nil, lookAgain: lookAgain), nil)
    }

    /// The R samples before an update of schedstat take its share of time on a CPU: 2 ms on a CPU against 1 ms on
    /// a run queue over three samples is two running and one waiting; an update of run queue time only makes its
    /// samples wait; samples after the last update stay running; a wait in the futex code is a lock.
    @Test func readySamplesAreLabelledBySchedstat() {
        let ms: Int64 = 1_000_000
        func ready(_ tick: Int32, _ run: Int64, _ delay: Int64) -> ThreadSampler.Sample {
            ThreadSampler.Sample(tick: tick, seen: .ready, wait: -1, nanoseconds: Int64(tick) * ms, run: run, delay: delay)
        }
        var samples = [ready(0, 0, 0), ready(1, 0, 0), ready(2, 0, 0), ready(3, 2 * ms, ms), ready(4, 2 * ms, ms), ready(5, 2 * ms, 3 * ms)]
        let waits = ["hrtimer_nanosleep", "futex_do_wait"]
        expectEqual(ThreadSampler.label(samples, waits: waits), [.running, .running, .waitingCPU, .waitingCPU, .waitingCPU, .running])
        samples.append(ThreadSampler.Sample(tick: 6, seen: .asleep, wait: 1, nanoseconds: 6 * ms, run: 2 * ms, delay: 3 * ms))
        samples.append(ThreadSampler.Sample(tick: 7, seen: .asleep, wait: 0, nanoseconds: 7 * ms, run: 2 * ms, delay: 3 * ms))
        samples.append(ThreadSampler.Sample(tick: 8, seen: .ended, wait: -1, nanoseconds: 8 * ms, run: 2 * ms, delay: 3 * ms))
        expectEqual(ThreadSampler.label(samples, waits: waits).suffix(3), [.waitingLock, .sleeping("hrtimer_nanosleep"), .ended])
    }
}
