import Foundation
import LabOS
import Synchronization
import Testing
import TestSupport
import LabKit
import LabCore
import LabTopics

/// Shared memory between the shell and children forked from it: the segment, the race across processes, the
/// process-shared mutex, a killed holder, the robust mutex's EOWNERDEAD. Every child is reaped: each test checks
/// that the pids it saw are gone.
@Suite(.serialized, .timeLimit(.minutes(2))) struct SharedMemoryTests {
    init() { Signals.ignoreBrokenPipe() }

    func pids(_ value: Value?) -> [Int32] {
        guard case .list(let items)? = value else { return [] }
        return items.compactMap { if case .int(let n) = $0 { return Int32(n) } else { return nil } }
    }

    func int(_ value: Value?) -> Int? { if case .int(let n)? = value { return n } else { return nil } }

    /// Reaped children leave no /proc entry (a zombie would).
    func gone(_ pid: Int32) -> Bool { ProcFS.stat(pid: pid) == nil }

    @Test func aSegmentIsAMemfdMappedShared() throws {
        let session = Session()
        defer { session.shutdown() }
        let made = session.execute("shm new --size 8192")
        #expect(made.succeeded, "\(made.failureMessage)")
        expectEqual(made["handle"], .string("m1"))
        expectEqual(made["name"], .string("conclab-m1"))
        guard case .string(let maps)? = made["maps"] else { Issue.record("no maps line"); return }
        #expect(maps.contains(" rw-s ") && maps.contains("/memfd:conclab-m1"), "\(maps)")
        expectEqual(made["counter"], .int(0))
        expectEqual(made["mutex"], .string("free"))
        expectEqual(made["robust"], .string("free"))
        let fd = try #require(int(made["fd"]))
        let listed = session.execute("fd list")
        #expect(listed.text.contains("memfd conclab-m1 (shared memory)"), "\(listed.text)")
        if case .table(let table) = session.execute("shm list").result { expectEqual(table.rows.count, 1) } else { Issue.record("shm list is no table") }
        #expect(session.execute("close m1").succeeded)
        #expect(!Descriptors.isOpen(Int32(fd)))
        #expect(session.execute("shm new --size 100").failureMessage.contains("4096"))
        #expect(session.execute("shm count m9").failureMessage.contains("No segment m9."))
    }

    @Test func theMutexLosesNothingAndTheCountIsExact() throws {
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute("shm new").succeeded)
        for lock in ["mutex", "robust"] {
            let counted = session.execute("shm count m1 --lock \(lock) --increments 50000 --workers 3")
            #expect(counted.succeeded, "\(counted.failureMessage)")
            expectEqual(counted["expected"], .int(150_000))
            expectEqual(counted["counted"], .int(150_000))
            expectEqual(counted["lost"], .int(0))
            expectEqual(counted["per_worker"], .list([.int(50_000), .int(50_000), .int(50_000)]))
            let workers = pids(counted["pids"])
            expectEqual(workers.count, 3)
            #expect(workers.allSatisfy(gone), "every counting worker is reaped")
        }
        expectEqual(session.execute("show m1")["counter"], .int(150_000))
    }

    /// Without a lock the count may only fall short (a stale store erases updates, it never adds any). That it does
    /// fall short in 300 ms of two processes is a robust fact on one CPU or two (millions of updates lost here).
    @Test func withoutALockUpdatesAreLost() throws {
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute("shm new").succeeded)
        let counted = session.execute("shm count m1 --ms 300")
        #expect(counted.succeeded, "\(counted.failureMessage)")
        let expected = try #require(int(counted["expected"]))
        let total = try #require(int(counted["counted"]))
        #expect(expected > 0)
        #expect(total <= expected)
        #expect(try #require(int(counted["lost"])) > 0, "no update lost in \(expected)")
        #expect(pids(counted["pids"]).allSatisfy(gone))
    }

    @Test func aKilledHolderLeavesThePlainMutexHeld() throws {
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute("shm new").succeeded)
        let held = session.execute("shm hold m1 --name holder")
        #expect(held.succeeded, "\(held.failureMessage)")
        expectEqual(held["result"], .string("taken"))
        let pid = try #require(int(held["pid"]))
        expectEqual(held["state"], .string("held by tid \(pid)"))
        let busy = session.execute("shm lock m1 --timeout 50")
        expectEqual(busy["result"], .string("ETIMEDOUT"))
        expectEqual(busy["owner_alive"], .bool(true))
        #expect(session.execute("shm count m1 --lock mutex").failureMessage.contains("Close or kill its holder first"))
        #expect(session.execute("proc kill holder KILL").succeeded)
        expectEqual(session.execute("proc wait holder --timeout 5000")["signal"], .string("SIGKILL"))
        let locked = session.execute("shm lock m1 --timeout 100")
        #expect(locked.succeeded, "\(locked.failureMessage)")
        expectEqual(locked["result"], .string("ETIMEDOUT"))
        expectEqual(locked["acquired"], .bool(false))
        expectEqual(locked["owner_tid"], .int(pid))
        expectEqual(locked["owner_alive"], .bool(false))
        expectEqual(locked["state"], .string("held by tid \(pid)"))
        let refused = session.execute("shm count m1 --lock mutex")
        #expect(refused.failureMessage.contains("died holding it"), "\(refused.failureMessage)")
        #expect(session.execute("shm hold m1").failureMessage.contains("died holding it"))
        // The robust mutex beside it is untouched.
        expectEqual(session.execute("shm lock m1 --lock robust")["result"], .string("taken"))
    }

    @Test func aRobustMutexHandsOverWithEOWNERDEADAndRecovers() throws {
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute("shm new").succeeded)
        #expect(session.execute("shm hold m1 --lock robust --name keeper").succeeded)
        #expect(session.execute("proc kill keeper KILL").succeeded)
        #expect(session.execute("proc wait keeper --timeout 5000").succeeded)
        let recovered = session.execute("shm lock m1 --lock robust")
        expectEqual(recovered["result"], .string("EOWNERDEAD"))
        expectEqual(recovered["acquired"], .bool(true))
        expectEqual(recovered["recovered"], .bool(true))
        expectEqual(recovered["owner_alive"], .bool(false))
        expectEqual(recovered["state"], .string("free"))
        expectEqual(session.execute("shm lock m1 --lock robust")["result"], .string("taken"))
        expectEqual(session.execute("shm count m1 --lock robust --increments 20000")["lost"], .int(0))

        // A second holder, killed; this time the shell lets go without pthread_mutex_consistent.
        let second = session.execute("shm hold m1 --lock robust --name second")
        #expect(second.succeeded, "\(second.failureMessage)")
        #expect(session.execute("close second").succeeded)
        let abandoned = session.execute("shm lock m1 --lock robust --no-recover")
        expectEqual(abandoned["result"], .string("EOWNERDEAD"))
        expectEqual(abandoned["recovered"], .bool(false))
        let dead = session.execute("shm lock m1 --lock robust")
        expectEqual(dead["result"], .string("ENOTRECOVERABLE"))
        expectEqual(dead["acquired"], .bool(false))
        #expect(session.execute("shm hold m1 --lock robust").failureMessage.contains("not recoverable"))
        #expect(session.execute("shm count m1 --lock robust").failureMessage.contains("not recoverable"))
    }

    @Test func aHolderIsKilledAtTheEndOfTheSession() throws {
        let session = Session()
        #expect(session.execute("shm new").succeeded)
        let pid = try #require(int(session.execute("shm hold m1")["pid"]))
        #expect(ProcFS.stat(pid: Int32(pid)) != nil)
        session.shutdown()
        #expect(eventually(within: 5) { gone(Int32(pid)) })
    }

    @Test func ctrlCEndsACountAndReapsItsWorkers() throws {
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute("shm new").succeeded)
        let outcome = Mutex<Outcome?>(nil)
        let finished = Gate(false)
        try OSThread.detach(name: "shm-count-test") {
            let result = session.execute("shm count m1 --ms 10000 --workers 4")
            outcome.withLock { $0 = result }
            finished.update { $0 = true }
        }
        // The workers are this process's forked children, named as the thread that forked them: cancel once four run.
        let me = System.processID
        func children() -> Set<Int32> {
            Set(ProcFS.allProcesses().filter { $0.parentPID == me && $0.command == "shm-count-test" && !$0.state.hasEnded }.map(\.pid))
        }
        var seen: Set<Int32> = []
        #expect(eventually(within: 5) { seen.formUnion(children()); return seen.count >= 4 })
        #expect(eventually { session.cancelRunning() })
        expectEqual(finished.wait(timeoutNanoseconds: 5_000_000_000) { $0 ? true : nil }, true)
        expectEqual(outcome.withLock { $0?.failure?.kind }, .cancelled)
        #expect(seen.allSatisfy(gone), "\(seen.filter { !gone($0) })")
    }

    @Test func badArgumentsAreRefused() {
        let session = Session()
        defer { session.shutdown() }
        #expect(session.execute("shm new").succeeded)
        #expect(session.execute("shm count m1 --increments 10 --ms 100").failureMessage.contains("not both"))
        #expect(session.execute("shm count m1 --workers 9").failureMessage.contains("9"))
        #expect(!session.execute("shm count m1 --lock spin").succeeded)
        #expect(!session.execute("shm lock m1 --timeout 20000").succeeded)
    }

    @Test(arguments: [
        (SharedSegment.MutexKind.mutex, Int32(0), UInt32(0), SharedSegment.MutexState.free),
        (.mutex, 1234, 1, .held(tid: 1234)),
        (.mutex, 1234, 2, .held(tid: 1234)),
        (.robust, 0, 0, .free),
        (.robust, 1234, 1234, .held(tid: 1234)),
        (.robust, 1234, 0x8000_0000 | 1234, .held(tid: 1234)),
        (.robust, 1234, 0x4000_0000, .ownerDied(tid: 1234)),
        (.robust, 1234, 0xC000_0000, .ownerDied(tid: 1234)),
        (.robust, 0x7fff_fffe, 0, .notRecoverable),
    ])
    func mutexMemoryIsDecoded(kind: SharedSegment.MutexKind, owner: Int32, word: UInt32, state: SharedSegment.MutexState) {
        expectEqual(SharedSegment.decode(kind, owner: owner, lockWord: word), state)
    }

    /// What the help and the lab say of Python: `multiprocessing.Lock` is a semaphore with no owner, so a holder
    /// killed with SIGKILL leaves it held. Runs only where python3 is on PATH.
    @Test func pythonsMultiprocessingLockStaysHeldWhenItsHolderIsKilled() throws {
        guard let python = Files.findExecutable("python3") else { return }
        let program = """
            import multiprocessing as mp, os, signal
            def hold(lock, ready):
                lock.acquire()
                ready.set()
                signal.pause()
            if __name__ == "__main__":
                mp.set_start_method("fork")
                lock, ready = mp.Lock(), mp.Event()
                p = mp.Process(target=hold, args=(lock, ready))
                p.start()
                assert ready.wait(10)
                os.kill(p.pid, signal.SIGKILL)
                p.join()
                print(type(lock._semlock).__name__, p.exitcode, lock.acquire(timeout=0.5))
            """
        expectEqual(try runPython(python, program), "SemLock -9 False")
    }

    /// What the lab's hint says of `multiprocessing.Value`: under `get_lock()` two processes' increments all count.
    /// (Without it they lose some: a figure of the machine, shown in the hint, not asserted.)
    @Test func pythonsValueUnderItsLockCountsEveryIncrement() throws {
        guard let python = Files.findExecutable("python3") else { return }
        let program = """
            import multiprocessing as mp
            def work(v, n):
                for _ in range(n):
                    with v.get_lock():
                        v.value += 1
            if __name__ == "__main__":
                mp.set_start_method("fork")
                v = mp.Value("i", 0)
                ps = [mp.Process(target=work, args=(v, 100_000)) for _ in range(2)]
                for p in ps: p.start()
                for p in ps: p.join()
                print(v.value)
            """
        expectEqual(try runPython(python, program), "200000")
    }

    /// Runs `program` with python3; its standard output, trimmed.
    func runPython(_ python: String, _ program: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", program]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
