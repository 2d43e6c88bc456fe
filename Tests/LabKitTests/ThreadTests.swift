import LabOS
import Testing
import TestSupport
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide


private func thread(_ session: Session, _ handle: String) -> LabThread? {
    (try? session.objects.lookup(handle, kind: .thread)) as? LabThread
}

@Suite(.serialized, .timeLimit(.minutes(1))) struct ThreadTests {
    @Test func spawnListCancelJoin() throws {
        let session = Session()
        let spawn = session.execute("thread spawn sleep 60000")
        #expect(spawn.succeeded)
        expectEqual(spawn.result.fields["handle"], .string("t1"))
        expectEqual(spawn.result.fields["os_name"], .string("conclab-t1"))
        let t1 = try #require(thread(session, "t1"))
        #expect(eventually { t1.state == "sleeping" })
        let tid = t1.current.tid
        #expect(tid > 0 && tid != System.threadID)
        // The OS knows the thread by the handle's name.
        expectEqual(ProcFS.threadName(tid: tid), "conclab-t1")
        let list = session.execute("thread list")
        expectEqual(list.result.fields["count"], .int(1))
        let cancel = session.execute("thread cancel t1 --wait 10000")
        expectEqual(cancel.result.fields["stopped"], .int(1))
        expectEqual(t1.state, "cancelled")
        let join = session.execute("thread join t1")
        #expect(join.succeeded)
        expectEqual(join.result.fields["state"], .string("cancelled"))
        expectEqual(join.result.fields["tid"], .int(Int(tid)))
        #expect(session.objects.all(kind: .thread).isEmpty)
    }

    @Test func spinUsesCPUAndListsAsRunning() throws {
        let session = Session()
        #expect(session.execute("thread spawn spin 60000 --name busy").succeeded)
        let busy = try #require(thread(session, "busy"))
        #expect(eventually { (busy.cpuMilliseconds ?? 0) > 0 })
        expectEqual(busy.state, "running")
        expectEqual(session.execute("thread list --all").result.fields["count"].flatMap(\.number).map { $0 >= 2 }, true)
        #expect(session.shutdown().isEmpty)
        expectEqual(busy.state, "cancelled")
    }

    @Test func hashComputesADigest() {
        let session = Session()
        #expect(session.execute("thread spawn hash 1").succeeded)
        let join = session.execute("thread join t1 --timeout 50000")
        expectEqual(join.result.fields["state"], .string("done"))
        guard case .string(let result)? = join.result.fields["result"] else { Issue.record("no result"); return }
        #expect(result.hasPrefix("sha256 "))
        expectEqual(result.count, 7 + 64)
    }

    @Test func joinTimesOutAndCanBeCancelled() {
        let session = Session()
        _ = session.execute("thread spawn sleep 60000")
        let timeout = session.execute("thread join t1 --timeout 20")
        expectEqual(timeout.failure?.message, "t1 is still sleeping after 20 ms; 'thread cancel t1' asks it to stop")
        let cancellation = Cancellation()
        cancellation.cancel()
        let interrupted = session.execute("thread join t1", cancellation: cancellation, nested: false)
        expectEqual(interrupted.failure?.kind, .cancelled)
        expectEqual(session.objects.handles(kind: .thread), ["t1"])
        #expect(session.shutdown().isEmpty)
    }

    @Test func limitsAndBadArguments() {
        let session = Session()
        _ = session.execute("set limit threads 1")
        #expect(session.execute("thread spawn sleep 60000").succeeded)
        #expect(session.execute("thread spawn sleep 10").failure?.message
            == "too many threads: 1 live, limit 1. Close some, or raise it with 'set limit threads N'.")
        expectEqual(session.execute("thread spawn spin").failure?.kind, .usage)
        expectEqual(session.execute("thread spawn nap 10").failure?.kind, .usage)
        expectEqual(session.execute("thread join t9").failure?.message.hasPrefix("No thread t9. Run 'thread list'"), true)
        #expect(session.shutdown().isEmpty)
    }

    @Test func closeEndsAThread() throws {
        let session = Session()
        _ = session.execute("thread spawn spin 60000")
        let t1 = try #require(thread(session, "t1"))
        let close = session.execute("close t1")
        #expect(close.succeeded)
        #expect(t1.isFinished)
        #expect(session.objects.all().isEmpty)
    }

    @Test func workerPlaysBothPartiesOfLockseq() {
        // One lock: the two threads take it in turn, so this ends (two locks with a hold time would deadlock for real).
        expectEqual(WorkerMode.run(.lockseq(locks: ["A"], holdMilliseconds: 1)), .completed(result: "took A"))
    }
}

@Suite struct WorkloadTests {
    @Test(arguments: [
        (["sleep", "100"], Workload.sleep(milliseconds: 100)),
        (["spin", "1_000"], .spin(milliseconds: 1000)),
        (["hash", "64"], .hash(megabytes: 64)),
        (["lockseq", "L1", "L2"], .lockseq(locks: ["L1", "L2"], holdMilliseconds: 0)),
        (["lockseq", "L1", "L2", "--hold", "300"], .lockseq(locks: ["L1", "L2"], holdMilliseconds: 300)),
        (["lockseq", "--hold", "5", "a"], .lockseq(locks: ["a"], holdMilliseconds: 5)),
    ] as [([String], Workload)])
    func parses(_ words: [String], _ expected: Workload) throws {
        let workload = try Workload(words: words)
        expectEqual(workload, expected)
        #expect(try Workload(words: workload.words) == workload)
    }

    @Test(arguments: [
        (["hash", "0"], "hash takes one number of MiB (1 to 65536), e.g. 'hash 64'"),
        (["lockseq"], "lockseq takes 1 to 16 lock names, e.g. 'lockseq L1 L2 --hold 200'"),
        (["lockseq", "1x"], "'1x' is not a lock name: use a handle such as L1"),
        (["lockseq", "L1", "--hold"], "--hold needs a value (MS)"),
        (["lockseq", "L1", "--hold", "-4"], "--hold takes milliseconds (0 to 86400000), got '-4'"),
        (["sleep", "5", "--hold", "3"], "--hold applies to lockseq only"),
        (["sleep", "1", "2"], "sleep takes one number of milliseconds (0 to 86400000), e.g. 'sleep 200'"),
        (["spni", "1"], "unknown workload 'spni'; workloads: sleep, spin, hash, lockseq. Did you mean 'spin'?"),
    ] as [([String], String)])
    func rejects(_ words: [String], _ message: String) {
        #expect(errorText { _ = try Workload(words: words) } == message)
    }

    @Test func lockseqWithoutLocksFails() {
        expectEqual(Workload.lockseq(locks: ["L1"], holdMilliseconds: 0).perform(), .failed("lockseq needs locks and none were given"))
    }

    @Test func stopEndsWorkloadsEarly() {
        let stopped = Cancellation()
        stopped.cancel()
        expectEqual(Workload.spin(milliseconds: 60_000).perform(stop: stopped), .stopped)
        expectEqual(Workload.sleep(milliseconds: 60_000).perform(stop: stopped), .stopped)
        expectEqual(Workload.hash(megabytes: 1000).perform(stop: stopped), .stopped)
    }
}

/// Sleeping blocks on the cancellation flag instead of polling it: it still lasts as long as asked, and a cancel
/// wakes it at once. (How little CPU sleeping threads use is measured, not asserted: see the commit message.)
@Suite(.serialized, .timeLimit(.minutes(1))) struct SleepTests {
    @Test func aSleepLastsItsTime() {
        let start = Clock.monotonicNanoseconds()
        expectEqual(Workload.sleep(milliseconds: 50).perform(stop: Cancellation()), .completed(result: nil))
        #expect(Clock.monotonicNanoseconds() - start >= 50_000_000)
        let cancellation = Cancellation()
        let before = Clock.monotonicNanoseconds()
        expectEqual(cancellation.wait(untilNanoseconds: before + 50_000_000), false)
        #expect(Clock.monotonicNanoseconds() - before >= 50_000_000)
    }

    @Test func theShellsSleepLastsItsTime() {
        let session = Session()
        let start = Clock.monotonicNanoseconds()
        #expect(session.execute("sleep 50").succeeded)
        #expect(Clock.monotonicNanoseconds() - start >= 50_000_000)
    }

    @Test func cancelWakesASleeperPromptly() throws {
        let stop = Cancellation()
        let ended = Gate<Int64?>(nil)
        try OSThread.detach(name: "test-sleeper") {
            let end = Workload.sleep(milliseconds: 60_000).perform(stop: stop)
            ended.update { $0 = end == .stopped ? Clock.monotonicNanoseconds() : -1 }
        }
        System.sleep(nanoseconds: 20_000_000)
        let cancelledAt = Clock.monotonicNanoseconds()
        stop.cancel()
        let at = ended.wait(timeoutNanoseconds: 5_000_000_000) { $0 }
        #expect(at != nil && at != -1)
        #expect((at ?? .max) - cancelledAt < 1_000_000_000)
    }

    @Test func threadCancelWakesASleepingThread() throws {
        let session = Session()
        #expect(session.execute("thread spawn sleep 60000").succeeded)
        let t1 = try #require(thread(session, "t1"))
        #expect(eventually { t1.state == "sleeping" })
        let start = Clock.monotonicNanoseconds()
        #expect(session.execute("thread cancel t1").succeeded)
        #expect(t1.waitUntilFinished(timeoutNanoseconds: 5_000_000_000))
        #expect(Clock.monotonicNanoseconds() - start < 1_000_000_000)
        expectEqual(t1.state, "cancelled")
        session.shutdown()
    }

    @Test func aSnippetsSleepWakesOnCancel() throws {
        let session = Session()
        defer { session.shutdown() }
        let start = Clock.monotonicNanoseconds()
        #expect(session.execute("py 'sleep(50)'").succeeded)
        #expect(Clock.monotonicNanoseconds() - start >= 50_000_000)
        #expect(session.execute("thread spawn --py 'sleep(60000)'").succeeded)
        #expect(eventually { session.execute("thread list").text.contains("running") })
        System.sleep(nanoseconds: 20_000_000)
        let cancelledAt = Clock.monotonicNanoseconds()
        let cancel = session.execute("thread cancel t1")
        #expect(cancel.succeeded, "\(cancel.failure?.message ?? "")")
        #expect(Clock.monotonicNanoseconds() - cancelledAt < 1_000_000_000)
        #expect(session.execute("thread list").text.contains("cancelled"))
    }

    @Test func ctrlCWakesTheShellsSleep() throws {
        let session = Session()
        let outcome = Gate<Outcome?>(nil)
        try OSThread.detach(name: "test-command") {
            let result = session.execute("sleep 60000")
            outcome.update { $0 = result }
        }
        #expect(eventually { session.cancelRunning() })
        let start = Clock.monotonicNanoseconds()
        let ended = outcome.wait(timeoutNanoseconds: 5_000_000_000) { $0 }
        expectEqual(ended?.failure?.kind, .cancelled)
        #expect(Clock.monotonicNanoseconds() - start < 1_000_000_000)
    }

    @Test(arguments: ["thread spawn sleep 60000", "thread spawn --py 'sleep(60000)'"])
    func ctrlCWakesAThreadJoin(spawn: String) throws {
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute(spawn).succeeded)
        let outcome = Gate<Outcome?>(nil)
        try OSThread.detach(name: "test-command") {
            let result = session.execute("thread join t1")
            outcome.update { $0 = result }
        }
        // The join waits on the thread's end alone: only the cancellation's wake-up can end it before 60 s.
        #expect(eventually { session.cancelRunning() })
        let ended = outcome.wait(timeoutNanoseconds: 5_000_000_000) { $0 }
        expectEqual(ended?.failure?.kind, .cancelled)
    }

    @Test func aCancellationWakesWhatWaitsOnItAndItsParent() {
        let parent = Cancellation()
        let child = Cancellation(linkedTo: parent)
        let woken = Locked(0)
        child.wakingOnCancel({ woken.withLock { $0 += 1 } }) {
            parent.cancel()
        }
        expectEqual(woken.withLock { $0 }, 1)
        child.cancel()
        expectEqual(woken.withLock { $0 }, 1, "a wake-up is called only while its wait runs")
    }

    @Test func aLinkedCancellationHearsItsParent() {
        let parent = Cancellation()
        let child = Cancellation(linkedTo: parent)
        #expect(!child.isCancelled)
        child.cancel()
        #expect(child.isCancelled && !parent.isCancelled)
        #expect(child.withdraw())
        #expect(!child.isCancelled && !child.withdraw())
        parent.cancel()
        #expect(child.isCancelled)
        #expect(child.wait(untilNanoseconds: Clock.monotonicNanoseconds() + 60_000_000_000))
        // A parent's cancel is not the child's own request: withdrawing leaves it cancelled.
        #expect(!child.withdraw() && child.isCancelled)
    }
}

@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func knownDigests(_ text: String, _ digest: String) {
        expectEqual(SHA256.hex(of: Array(text.utf8)), digest)
    }

    @Test func streamingMatchesOneShot() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        var hasher = SHA256()
        for size in [1, 63, 64, 65, 7, 300] {
            let start = [1, 63, 64, 65, 7, 300].prefix { $0 != size }.reduce(0, +)
            hasher.update(Array(bytes[start..<(start + size)]))
        }
        hasher.update(Array(bytes[500...]))
        expectEqual(hasher.finishHex(), SHA256.hex(of: bytes))
    }

    @Test func millionAs() {
        var hasher = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        expectEqual(hasher.finishHex(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
