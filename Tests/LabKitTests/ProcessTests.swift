import LabOS
import Synchronization
import Testing
import TestSupport
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide

/// The built conclab, for the tests that start real workers: $CONCLAB_BIN, else `<package>/.build/debug/conclab`.
private struct MissingBinary: Error {}

private let conclabBinary: String? = {
    if let given = System.environment("CONCLAB_BIN"), !given.isEmpty { return Files.isRegularFile(given) ? given : nil }
    let path = Repository.root + "/.build/debug/conclab"
    return Files.isRegularFile(path) ? path : nil
}()

private func field(_ outcome: Outcome, _ name: String) -> Value? { outcome.result.fields[name] }


/// The messages of the worker and fork-server protocols: what goes out comes back; anything else is refused.
@Suite struct ProcessProtocolTests {
    @Test(arguments: [
        WorkerMessage.hello(pid: 42, startMethod: .spawn),
        .hello(pid: 7, startMethod: .forkserver),
        .done(.init(outcome: "completed", result: "sha256 abc", cpuNanoseconds: 1_500_000, maxRSSBytes: 9_000_000)),
        .done(.init(outcome: "stopped", result: nil, cpuNanoseconds: 0, maxRSSBytes: 0)),
        .done(.init(outcome: "completed", result: nil, cpuNanoseconds: 3, maxRSSBytes: 4, taskStartedAt: 123_456_789)),
        .failure("unknown workload 'x'"),
    ])
    func workerMessagesRoundTrip(message: WorkerMessage) throws {
        #expect(try WorkerMessage(frame: message.frame) == message)
    }

    @Test(arguments: [ForkServerRequest.spawn(words: ["spin", "5"]), .peek(pid: 7), .reap(pid: 8), .quit])
    func requestsRoundTrip(request: ForkServerRequest) throws {
        #expect(try ForkServerRequest(frame: request.frame) == request)
    }

    @Test func repliesRoundTrip() throws {
        let replies: [ForkServerReply] = [
            .spawned(pid: 99), .status(nil, nil), .status(.exited(3), nil), .status(.signaled(9), ChildUsage(userNanoseconds: 5, systemNanoseconds: 6, maxRSSBytes: 7)),
            .finished([(5, .signaled(9)), (6, .exited(0))]), .finished([]), .failure("no"),
        ]
        for reply in replies { #expect(try ForkServerReply(frame: reply.frame) == reply) }
    }

    @Test(arguments: [
        Frame(kind: 1, fields: ["notapid", "spawn"]),
        Frame(kind: 1, fields: ["-4", "spawn"]),
        Frame(kind: 2, fields: ["exploded", "", "1", "2"]),
        Frame(kind: 2, fields: ["completed", "", "x", "2"]),
        Frame(kind: 2, fields: ["completed", "", "1", "2", "soon"]),
        Frame(kind: 2, fields: ["completed", "", "1", "2", "-5"]),
        Frame(kind: 3, fields: ["a", "b"]),
        Frame(kind: 77),
    ])
    func malformedWorkerFramesAreRefused(frame: Frame) {
        #expect(throws: ProtocolError.self) { try WorkerMessage(frame: frame) }
    }

    @Test(arguments: [Frame(kind: 10), Frame(kind: 11, fields: ["0"]), Frame(kind: 12, fields: ["1", "2"]), Frame(kind: 13, fields: ["x"]), Frame(kind: 1)])
    func malformedRequestsAreRefused(frame: Frame) {
        #expect(throws: ProtocolError.self) { try ForkServerRequest(frame: frame) }
    }

    @Test(arguments: [Frame(kind: 21, fields: ["dead", "1"]), Frame(kind: 21, fields: ["exited", "x"]), Frame(kind: 22, fields: ["1", "exited"]),
                      Frame(kind: 20, fields: []), Frame(kind: 21, fields: ["exited", "0", "1"])])
    func malformedRepliesAreRefused(frame: Frame) {
        #expect(throws: ProtocolError.self) { try ForkServerReply(frame: frame) }
    }
}

/// What a worker runs, and the jobs of `par compare`.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct ProcessJobTests {
    @Test func workerWordsParse() throws {
        #expect(try WorkerTask(words: ["sleep", "10"]) == .workload(.sleep(milliseconds: 10)))
        #expect(try WorkerTask(words: ["--job", "spin", "5"]) == .job(.spin(cpuMilliseconds: 5)))
        #expect(try WorkerTask(words: ["--job", "hash", "2"]).words == ["--job", "hash", "2"])
        #expect(throws: (any Error).self) { try WorkerTask(words: ["--job", "sleep", "10"]) }
        #expect(throws: (any Error).self) { try WorkerTask(words: ["nap", "10"]) }
    }

    @Test func spinBurnsCPUTimeNotWallTime() {
        let before = Clock.threadCPUNanoseconds()
        expectEqual(NativeJob.spin(cpuMilliseconds: 30).perform(), .completed(result: nil))
        #expect(Clock.threadCPUNanoseconds() - before >= 30_000_000)
    }

    @Test func aStoppedJobSaysSo() {
        let stopped = Cancellation()
        stopped.cancel()
        expectEqual(NativeJob.spin(cpuMilliseconds: 60_000).perform(stop: stopped), .stopped)
    }

    @Test func hashJobGivesADigest() {
        guard case .completed(let result?) = NativeJob.hash(megabytes: 1).perform() else {
            Issue.record("no digest")
            return
        }
        #expect(result.hasPrefix("sha256 "))
    }

    @Test func threadsRunEveryJobAndReportProgress() throws {
        let calls = Mutex<[Int]>([])
        let cpu = try NativeParallelJob(job: .spin(cpuMilliseconds: 5)).runInThreads(count: 3, mode: .native, progress: { done in
            calls.withLock { $0.append(done) }
        }, cancellation: Cancellation())
        expectEqual(calls.withLock { $0.sorted() }, [1, 2, 3])
        // spin burns CPU time on each thread's own clock: three jobs are at least 15 ms of it, whatever the wall time.
        #expect(cpu >= 15_000_000)
        #expect(try NativeParallelJob(job: .spin(cpuMilliseconds: 5)).runSequentially(count: 2, progress: { _ in }, cancellation: Cancellation()) >= 10_000_000)
    }

    /// A job sized by time: the fastest run of a unit counts, and the count is capped.
    @Test(arguments: [([40], 300, 8, 3), ([500], 300, 1, 2), ([200, 100], 300, 3, 2), ([0], 300, 1_000, 1_000),
                      ([400, 50, 60], 300, 6, 2), ([1_000], 300, 1, 1)])
    func unitsPerJobFillTheTarget(times: [Int64], targetMilliseconds: Int64, units: Int, runs: Int) throws {
        var calls = 0
        let count = try ParCompare.unitsPerJob(target: targetMilliseconds * 1_000_000, limit: 1_000, cancellation: Cancellation()) {
            defer { calls += 1 }
            return times[min(calls, times.count - 1)] * 1_000_000
        }
        expectEqual(count, units)
        // Twice unless the first run took over twice the target, then while the runs add up to under a third of it.
        expectEqual(calls, runs)
        let cancelled = Cancellation()
        cancelled.cancel()
        #expect(throws: Cancelled.self) { try ParCompare.unitsPerJob(target: 1, limit: 1, cancellation: cancelled) { 1 } }
    }

    /// A job that runs a snippet K times is the snippet in a loop, in a worker as in the shell.
    @Test func aSnippetRepeatedIsALoopAroundIt() throws {
        expectEqual(SnippetParallelJob.repeated("x = 1", times: 1), "x = 1")
        #expect(SnippetParallelJob.repeated("def f():\n    return 2\n\nprint(f())", times: 3)
                == "for _conclab_run in range(3):\n    def f():\n        return 2\n\n    print(f())\n    pass")
        expectEqual(SnippetParallelJob.repeated("if True:\n\tx = 1", times: 2), "for _conclab_run in range(2):\n\tif True:\n\t\tx = 1\n\tpass")
        let job = try SnippetParallelJob(snippet: "print('a\\nb')", times: 3)
        expectEqual(job.times, 3)
        expectEqual(SnippetParallelJob.runInWorker(job.workerWords[1]), .completed(result: "a\nb\na\nb\na\nb"))
        // Only comments: the loop still compiles and runs.
        #expect(SnippetParallelJob.runInWorker(try SnippetParallelJob(snippet: "# nothing", times: 4).workerWords[1]) == .completed(result: nil))
        #expect(try SnippetParallelJob(snippet: "x = 1", times: 1).workerWords == ["--py", "x = 1"])
    }

    @Test func cancelledThreadsThrow() {
        let cancelled = Cancellation()
        cancelled.cancel()
        #expect(throws: JobStopped.self) {
            try NativeParallelJob(job: .spin(cpuMilliseconds: 60_000)).runInThreads(count: 2, mode: .native, progress: { _ in }, cancellation: cancelled)
        }
    }

    @Test func snippetWorkerWordsKeepTheSnippetWhole() throws {
        let snippet = "def f():\\n    return 'a b'\\nprint(f())"
        let job = try SnippetParallelJob(snippet: snippet)
        expectEqual(job.workerWords, ["--py", snippet])
        #expect(try WorkerTask(words: job.workerWords) == .snippet(snippet))
        #expect(try WorkerTask(words: job.workerWords).words == job.workerWords)
        #expect(throws: (any Error).self) { try WorkerTask(words: ["--py"]) }
        expectEqual(job.threadModes, [.gil, .noGIL])
        #expect(job.description.hasPrefix("py: def f():"))
    }

    @Test func badSnippetsAreRefusedBeforeAnythingRuns() {
        #expect(throws: CommandError.self) { try SnippetParallelJob(snippet: "def f(:") }
        #expect(throws: CommandError.self) { try SnippetParallelJob(snippet: "  ") }
        #expect(throws: CommandError.self) { try SnippetParallelJob(snippet: String(repeating: "x = 1\n", count: 20_000)) }
        #expect(throws: CommandError.self) { try SnippetParallelJob(snippet: "x = 1\u{0}") }
    }

    @Test func aSnippetInAWorkerReportsWhatItPrintedOrItsException() {
        expectEqual(SnippetParallelJob.runInWorker("print(6 * 7)\\nprint('done')"), .completed(result: "42\ndone"))
        expectEqual(SnippetParallelJob.runInWorker("x = 1"), .completed(result: nil))
        guard case .failed(let why) = SnippetParallelJob.runInWorker("raise ValueError('bad')") else {
            Issue.record("an exception did not fail the worker's job")
            return
        }
        #expect(why.contains("ValueError: bad"))
        guard case .failed(let syntax) = SnippetParallelJob.runInWorker("def f(:") else {
            Issue.record("a syntax error did not fail the worker's job")
            return
        }
        #expect(syntax.contains("SyntaxError"))
    }

    /// Each thread row gets a fresh interpreter in its mode; threads share its globals, as in Python.
    @Test(arguments: [ThreadMode.gil, .noGIL])
    func snippetThreadsShareOneInterpretersGlobals(mode: ThreadMode) throws {
        let job = try SnippetParallelJob(snippet: "def work():\\n    i = 0\\n    while i < 20_000:\\n        i += 1\\n    return i\\nr = work()\\nassert r == 20_000")
        let calls = Mutex<[Int]>([])
        let cpu = try job.runInThreads(count: 3, mode: mode, progress: { done in calls.withLock { $0.append(done) } }, cancellation: Cancellation())
        expectEqual(calls.withLock { $0.sorted() }, [1, 2, 3])
        #expect(cpu > 0)
        #expect(try job.runSequentially(count: 2, progress: { _ in }, cancellation: Cancellation()) > 0)
    }

    @Test func aFailingSnippetFailsItsRowWithTheException() throws {
        let job = try SnippetParallelJob(snippet: "raise KeyError('k')")
        #expect { try job.runInThreads(count: 2, mode: .noGIL, progress: { _ in }, cancellation: Cancellation()) } throws: { error in
            "\(error)".contains("KeyError")
        }
        #expect { try job.runSequentially(count: 2, progress: { _ in }, cancellation: Cancellation()) } throws: { error in
            "\(error)".contains("run 1: KeyError")
        }
    }

    @Test func aCancelledSnippetStops() throws {
        let started = StartSignal()
        let job = try SnippetParallelJob(snippet: "while True:\\n    pass", observer: started)
        let cancellation = Cancellation()
        try cancel(cancellation, once: { started.hasStarted })
        #expect(throws: JobStopped.self) {
            try job.runInThreads(count: 2, mode: .gil, progress: { _ in }, cancellation: cancellation)
        }
    }

    @Test(arguments: [(ParallelComparison.Mode.sequential, "sequential"), (.threads(.gil), "threads_gil"),
                      (.threads(.noGIL), "threads_no_gil"), (.threads(.native), "threads"), (.processes, "processes")])
    func modeKeysAreNamesChecksCanUse(mode: ParallelComparison.Mode, key: String) {
        expectEqual(mode.key, key)
    }
}

/// Every suite that starts processes or sets the worker executable runs inside this one, one test at a time.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ProcessSuites {}

extension ProcessSuites {
    /// Commands that need no worker binary.
    @Suite(.serialized, .timeLimit(.minutes(1)))
    struct ProcessCommandTests {
        @Test func snippetMistakesAreReportedWithoutStartingAnything() {
            let session = Session()
            let cases = [("proc spawn --py 'def f(:'", "SyntaxError"), ("par compare --py 'print(' --workers 2", "SyntaxError"),
                         ("proc spawn spin 5 --py 'x = 1'", "not both"), ("par compare spin 5 --py 'x = 1'", "not both")]
            for (line, message) in cases {
                let outcome = session.execute(line)
                expectEqual(outcome.failure?.message.contains(message), true, "\(line): \(String(describing: outcome.failure))")
            }
            #expect(session.objects.all(kind: .process).isEmpty)
        }

        @Test(arguments: [
            ("par compare sleep 10", "WORKLOAD must be one of spin, hash, got 'sleep'"),
            ("par compare spin 10 --times 3", "--times goes with --py SNIPPET; for spin and hash give the AMOUNT"),
            ("par compare spin 10 --rounds 0", "rounds must be between 1 and 9, got 0"),
            ("par compare spin 10 --job-ms 5", "job-ms must be between 10 and 10000, got 5"),
            ("par compare", "missing WORKLOAD (spin MS or hash MB) or --py SNIPPET"),
            ("par compare spin 10 --workers 0", "workers must be between 1 and 64, got 0"),
            ("par compare hash 0", "hash takes one number of MiB (1 to 65536), e.g. 'hash 64'"),
            ("proc spawn", "missing WORKLOAD (or --py SNIPPET)"),
            ("proc spawn spin 10 --start fork", "--start must be one of spawn, forkserver, got 'fork'; did you mean 'forkserver'?"),
        ])
        func badArgumentsAreUsageErrors(line: String, message: String) {
            let outcome = Session().execute(line)
            expectEqual(outcome.failure?.kind, .usage)
            expectEqual(outcome.failure?.message, message)
        }

        @Test func forkDemoInTheSession() {
            let outcome = Session().execute("proc fork-demo")
            #expect(outcome.succeeded, "\(String(describing: outcome.failure))")
            expectEqual(field(outcome, "child_change_visible"), .bool(false))
            expectEqual(field(outcome, "parent_after"), .string("written by the parent"))
            expectEqual(field(outcome, "child_wrote"), .string("written by the child"))
            expectEqual(field(outcome, "child_status"), .string("exited 0"))
        }

        @Test func forkWhileAnotherThreadHoldsALock() throws {
            let outcome = Session().execute("proc fork-lock --wait 300")
            #expect(outcome.succeeded, "\(String(describing: outcome.failure))")
            expectEqual(field(outcome, "child_got_lock"), .bool(false))
            expectEqual(field(outcome, "child_state"), .string("sleeping"))
            #if arch(x86_64) || arch(arm64)
            expectEqual(field(outcome, "child_syscall"), .string("futex"))
            #endif
            expectEqual(field(outcome, "child_status"), .string("killed by SIGKILL"))
            // The shell's thread let go halfway and the shell took the lock: the child's copy stayed held.
            expectEqual(field(outcome, "parent_took_lock"), .bool(true))
            let released = try #require(field(outcome, "released_ms")?.number)
            let waited = try #require(field(outcome, "waited_ms")?.number)
            #expect(released >= 150 && waited >= 300 && waited > released, "released \(released), waited \(waited)")
            // Nothing stays behind: the child is reaped, and the thread that held the lock has ended.
            let child = try #require(field(outcome, "child_pid")?.number)
            #expect(ProcFS.stat(pid: Int32(child)) == nil)
            let holder = try #require(field(outcome, "holder_tid")?.number)
            #expect(eventually(within: 2) { !ProcFS.threadIDs().contains(Int32(holder)) })
            expectEqual(Session().execute("proc fork-lock --wait 20").failure?.kind, .usage)
        }

        @Test func forkTimeAndCopyOnWrite() throws {
            let outcome = Session().execute("proc fork-cow --mb 64 --steps 2")
            #expect(outcome.succeeded, "\(String(describing: outcome.failure))")
            guard case .table(let table) = outcome.result else { Issue.record("not a table: \(outcome.result)"); return }
            expectEqual(table.rows.count, 3)
            let buffer = Double(64 << 20)
            expectEqual(table.summary?["buffer_bytes"]?.number, buffer)
            let written = (0..<3).map { table.record(at: $0)["written_bytes"]?.number ?? -1 }
            expectEqual(written, [0, buffer / 2, buffer])
            let own = (0..<3).map { table.record(at: $0)["child_private_dirty_bytes"]?.number ?? -1 }
            let shared = (0..<3).map { table.record(at: $0)["child_shared_dirty_bytes"]?.number ?? -1 }
            // Before writing, the child owns little of the buffer; each half it writes becomes its own. "Little": the
            // pages the busy parent (this test process, other tests running in it) writes after the fork become the
            // child's own too: 4.2 MB of them were seen in a full 'make test' on a loaded machine.
            #expect(own[0] < buffer / 5 && own[1] >= own[0] + buffer * 0.45 && own[2] >= own[0] + buffer * 0.9, "\(own)")
            #expect(shared[0] >= buffer * 0.9 && shared[2] < shared[0] - buffer * 0.9, "\(shared)")
            let base = try #require(table.summary?["base_fork_ms"]?.number)
            let grown = try #require(table.summary?["fork_ms"]?.number)
            #expect(base > 0 && grown > 0, "fork \(base) ms, grown \(grown) ms")
            expectEqual(table.summary?["child_status"], .string("exited 0"))
            let child = try #require(table.summary?["child_pid"]?.number)
            #expect(ProcFS.stat(pid: Int32(child)) == nil)
            expectEqual(Session().execute("proc fork-cow --mb 8").failure?.kind, .usage)
        }

        @Test func forkSharesTheOpenFileAndItsOffset() throws {
            let outcome = Session().execute("proc fork-fd")
            #expect(outcome.succeeded, "\(String(describing: outcome.failure))")
            let atFork = try #require(field(outcome, "offset_at_fork")?.number)
            let wrote = try #require(field(outcome, "child_wrote_bytes")?.number)
            expectEqual(atFork, Double(ProcForkFD.parentFirst.utf8.count))
            expectEqual(field(outcome, "offset_after_child")?.number, atFork + wrote)
            expectEqual(field(outcome, "parent_fd_open"), .bool(true))
            expectEqual(field(outcome, "lines"), .list(["parent: before the fork", "child: through its copy", "parent: after the child"].map(Value.string)))
            expectEqual(field(outcome, "child_status"), .string("exited 0"))
            // The temporary file was unlinked at once: nothing of it is left.
            #expect(!Files.list(Scratch.baseDirectory).contains { $0.hasPrefix("conclab-fork-fd-") })
        }

        /// The same fork in python3: a `threading.Lock` another thread holds at `os.fork()` stays held in the child
        /// after the holder lets go in the parent; children started by spawn and forkserver take theirs at once.
        @Test func forkWhileLockedAsPython3HasIt() throws {
            let script = """
                import multiprocessing as mp, os, threading, warnings
                warnings.simplefilter("ignore")  # 3.12+: fork with threads is deprecated
                lock = threading.Lock()
                held, go = threading.Event(), threading.Event()
                def holder():
                    with lock:
                        held.set()
                        go.wait()
                def hold():
                    held.clear(); go.clear()
                    t = threading.Thread(target=holder)
                    t.start(); held.wait()
                    return t
                def try_lock(q):
                    q.put(lock.acquire(timeout=0.5))
                if __name__ == "__main__":
                    t = hold()
                    pid = os.fork()
                    if pid == 0:
                        os._exit(0 if lock.acquire(timeout=0.5) else 3)
                    go.set(); t.join()
                    took = lock.acquire(timeout=2)
                    lock.release()
                    print("parent_took_lock", took)
                    print("fork", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0)
                    for method in ("spawn", "forkserver"):
                        ctx = mp.get_context(method)
                        t = hold()
                        q = ctx.Queue()
                        p = ctx.Process(target=try_lock, args=(q,))
                        p.start()
                        print(method, q.get(timeout=30))
                        p.join(); go.set(); t.join()
                """
            let folder = try Files.makeTemporaryDirectory(prefix: "conclab-forklock-")
            defer { Files.removeTree(folder) }
            try Files.writeAtomically(folder + "/forklock.py", script)
            let run = try Capture.run("/usr/bin/env", arguments: ["python3", folder + "/forklock.py"], timeoutNanoseconds: 60_000_000_000)
            if run.status == .exited(127) { return }  // no python3 here: conclab's half is forkWhileAnotherThreadHoldsALock
            expectEqual(run.status, .exited(0), "\(run.standardError)")
            expectEqual(run.standardOutput, "parent_took_lock True\nfork False\nspawn True\nforkserver True\n")
            let outcome = Session().execute("proc fork-lock --wait 200")
            expectEqual(field(outcome, "parent_took_lock"), .bool(true))
            expectEqual(field(outcome, "child_got_lock"), .bool(false))
        }

        @Test func treeAndMemoryWithoutWorkers() {
            let session = Session()
            let tree = session.execute("proc tree")
            #expect(tree.succeeded)
            if case .table(let table) = tree.result {
                expectEqual(table.record(at: 0)["handle"], .string("shell"))
                expectEqual(table.record(at: 0)["pid"], .int(Int(System.processID)))
            } else {
                Issue.record("proc tree gave \(tree.result)")
            }
            let all = session.execute("mem all")
            expectEqual(field(all, "count"), .int(1))
            #expect((field(all, "total_pss_bytes")?.number ?? 0) > 0)
            #expect(session.execute("mem").result.fields["rss_bytes"] != nil)
            expectEqual(session.execute("mem p9").failure?.message.hasPrefix("No object p9."), true)
            expectEqual(session.execute("proc list").result.fields["count"], .int(0))
        }

        @Test func aTestRunnerDoesNotSpawnCopiesOfItself() throws {
            // Only conclab's main names the worker executable; a program that never did refuses to start workers.
            WorkerMode.useExecutable(nil)
            #expect(throws: SpawnError.self) { try WorkerProcess.launch(words: ["sleep", "0"], method: .spawn, server: nil) }
            expectEqual(Session().execute("proc spawn sleep 0").failure?.message.contains("cannot start conclab workers"), true)
        }
    }

    /// Real workers, when the built conclab is there (`make test` builds it first).
    @Suite(.serialized, .timeLimit(.minutes(2)), .enabled(if: conclabBinary != nil, "needs the built conclab (.build/debug/conclab or $CONCLAB_BIN)"))
    struct ProcessSessionTests {
        private func session() throws -> Session {
            // The suite is enabled only when the binary is there.
            guard let binary = conclabBinary else { throw MissingBinary() }
            WorkerMode.useExecutable(binary)
            return Session()
        }

        @Test(arguments: StartMethod.allCases)
        func lifeOfAWorker(method: StartMethod) throws {
            let session = try session()
            defer {
                session.shutdown()
                WorkerMode.useExecutable(nil)
            }
            let spawn = session.execute("proc spawn sleep 60000 --start \(method.rawValue)")
            #expect(spawn.succeeded, "\(String(describing: spawn.failure))")
            guard case .int(let pid)? = field(spawn, "pid") else { Issue.record("no pid"); return }
            expectEqual(field(spawn, "start_method"), .string(method.rawValue))
            let worker = try #require(try session.objects.lookup("p1", kind: .process) as? WorkerProcess)
            #expect(eventually { worker.state == "sleeping" })
            expectEqual(ProcFS.stat(pid: Int32(pid))?.command, WorkerMode.processName)

            #expect(session.execute("proc kill p1 STOP").succeeded)
            #expect(eventually { worker.state == "stopped" })
            #expect(session.execute("proc kill p1 CONT").succeeded)
            #expect(eventually { worker.state == "sleeping" })

            #expect(session.execute("proc kill p1 TERM").succeeded)
            // Ended but not waited for: a zombie, whose end is already known.
            #expect(eventually { worker.state == "zombie" })
            let listed = session.execute("proc list")
            let rows = try #require(listed.result.fields["rows"])
            expectEqual(rowValue(rows, "state"), .string("zombie"))
            expectEqual(rowValue(rows, "status"), .string("killed by SIGTERM"))
            expectEqual(rowValue(rows, "start"), .string(method.rawValue))
            expectEqual(rowValue(rows, "rss_bytes"), .null)
            expectEqual(ProcFS.stat(pid: Int32(pid))?.state, .zombie)

            let wait = session.execute("proc wait p1 --timeout 10000")
            expectEqual(field(wait, "signal"), .string("SIGTERM"))
            expectEqual(field(wait, "exit_code"), .null)
            expectEqual(worker.state, "killed by SIGTERM")
            // Reaped: the zombie is gone from /proc.
            #expect(eventually { ProcFS.stat(pid: Int32(pid)) == nil })
            expectEqual(session.execute("proc kill p1").failure?.message.contains("has already ended (killed by SIGTERM)"), true)
        }

        @Test func exitStatusAndResultsComeBack() throws {
            let session = try session()
            defer {
                session.shutdown()
                WorkerMode.useExecutable(nil)
            }
            #expect(session.execute("proc spawn hash 1").succeeded)
            let wait = session.execute("proc wait p1 --timeout 60000")
            expectEqual(field(wait, "exit_code"), .int(0))
            expectEqual(field(wait, "outcome"), .string("completed"))
            guard case .string(let digest)? = field(wait, "result") else { Issue.record("no result in \(wait.result)"); return }
            #expect(digest.hasPrefix("sha256 "))
            #expect(session.execute("proc wait p1").succeeded)  // waiting again reports the same end
        }

        @Test func aCrashIsReportedWithItsSignal() throws {
            let session = try session()
            defer {
                session.shutdown()
                WorkerMode.useExecutable(nil)
            }
            #expect(session.execute("proc spawn sleep 60000").succeeded)
            let worker = try #require(try session.objects.lookup("p1", kind: .process) as? WorkerProcess)
            // A signal the shell did not send: a crash, as far as the shell knows.
            try ChildProcess.signal(worker.pid, 11)
            #expect(eventually { session.takeNoticesContaining("crashed: killed by SIGSEGV") })
            expectEqual(field(session.execute("proc wait p1"), "signal"), .string("SIGSEGV"))
        }

        @Test func forkServerIsSingleThreadedAndParentOfItsWorkers() throws {
            let session = try session()
            defer {
                session.shutdown()
                WorkerMode.useExecutable(nil)
            }
            #expect(session.execute("proc spawn sleep 60000 --start forkserver").succeeded)
            #expect(session.execute("proc spawn sleep 60000 --start forkserver").succeeded)
            let server = try #require(try session.objects.lookup("fs1", kind: .forkserver) as? ForkServer)
            let workers = ProcSupport.workers(session).map(\.1.pid)
            expectEqual(workers.count, 2)
            for pid in workers { #expect(ProcFS.stat(pid: pid)?.parentPID == server.pid) }
            #expect(try ProcFS.memory(pid: server.pid).threads == 1)
            let tree = session.execute("proc tree")
            guard case .table(let table) = tree.result else { Issue.record("proc tree gave \(tree.result)"); return }
            let byHandle = Dictionary(table.rows.indices.map { table.record(at: $0) }.compactMap { row -> (String, Record)? in
                guard case .string(let handle)? = row["handle"] else { return nil }
                return (handle, row)
            }, uniquingKeysWith: { a, _ in a })
            expectEqual(byHandle["fs1"]?["ppid"], .int(Int(System.processID)))
            expectEqual(byHandle["p1"]?["ppid"], .int(Int(server.pid)))
            expectEqual(byHandle["p2"]?["ppid"], .int(Int(server.pid)))
            let memory = session.execute("mem all")
            expectEqual(field(memory, "count"), .int(4))
            #expect(session.execute("mem p1").result.fields["pss_bytes"] != nil)
            // Closing the server ends its workers too, and reports how.
            #expect(session.execute("close fs1").succeeded)
            let list = session.execute("proc list | where state == \"killed by SIGKILL\"")
            expectEqual(field(list, "count"), .int(2))
            #expect(eventually { workers.allSatisfy { ProcFS.stat(pid: $0) == nil } && ProcFS.stat(pid: server.pid) == nil })
        }

        @Test func parCompareMeasuresThreeWays() throws {
            let session = try session()
            defer {
                session.shutdown()
                WorkerMode.useExecutable(nil)
            }
            for method in StartMethod.allCases {
                let outcome = session.execute("par compare spin 20 --workers 2 --rounds 2 --start \(method.rawValue)")
                #expect(outcome.succeeded, "\(String(describing: outcome.failure))")
                let rows = outcome.result.fields["rows"]
                expectEqual(field(outcome, "count"), .int(3))
                expectEqual(rows.flatMap { rowValue($0, "mode", at: 2) }, .string("processes"))
                #expect(field(outcome, "processes_speedup")?.number != nil)
                #expect((field(outcome, "processes_memory_bytes")?.number ?? 0) > 0)
                expectEqual(field(outcome, "rounds"), .int(2))
                expectEqual(field(outcome, "cores"), .int(System.usableCPUs.cores))
                // Each worker says when its job began: start-up is a figure of its own.
                #expect((field(outcome, "processes_startup_ms")?.number ?? 0) > 0)
                for key in ["sequential", "threads", "processes"] {
                    // spin 20 burns 20 ms of CPU per job: two jobs in every row, whatever the machine is doing.
                    #expect((field(outcome, "\(key)_cpu_use")?.number ?? 0) > 0, "\(key)")
                    #expect((field(outcome, "\(key)_idle_cores")?.number ?? -1) >= 0, "\(key)")
                }
                #expect((field(outcome, "other_programs_cores")?.number ?? -1) >= 0)
                let cpu = (0..<3).map { index in rows.flatMap { rowValue($0, "cpu_ms", at: index) } }
                #expect(cpu.allSatisfy { ($0?.number ?? 0) >= 40 }, "\(cpu)")
                let text = HumanRenderer(color: false).render(outcome.result)
                #expect(text.contains("sequential  █"))
                #expect(text.contains("A worker took"))
            }
            // Without a size, hash is sized by time: at least one MiB a job.
            let sized = session.execute("par compare hash --workers 2 --rounds 1 --job-ms 20")
            #expect(sized.succeeded, "\(String(describing: sized.failure))")
            guard case .string(let size)? = field(sized, "size"), let mib = Int(size.split(separator: " ").last ?? "") else {
                Issue.record("no size in \(sized.result)")
                return
            }
            #expect(size.hasPrefix("hash ") && mib >= 1)
            // Its workers are gone: nothing is left in the table but the fork server.
            #expect(session.objects.all(kind: .process).isEmpty)
        }

        @Test(arguments: StartMethod.allCases)
        func aSnippetRunsInAWorkerOfItsOwn(method: StartMethod) throws {
            let session = try session()
            defer {
                session.shutdown()
                WorkerMode.useExecutable(nil)
            }
            #expect(session.execute("py x = 1").succeeded)
            let spawn = session.execute("proc spawn --py 'x = 2\\nprint(x * 21)' --start \(method.rawValue)")
            #expect(spawn.succeeded, "\(String(describing: spawn.failure))")
            expectEqual(field(spawn, "workload"), .string("py: x = 2\\nprint(x * 21)"))
            let wait = session.execute("proc wait p1 --timeout 30000")
            expectEqual(field(wait, "exit_code"), .int(0))
            expectEqual(field(wait, "result"), .string("42"))
            // The worker's x was its own: the shell's interpreter still has 1.
            expectEqual(session.execute("py x").result.fields["value"], .int(1))
            #expect(session.execute("proc spawn --py 'raise ValueError(\"no\")'").succeeded)
            let failed = session.execute("proc wait p2 --timeout 30000")
            expectEqual(field(failed, "exit_code"), .int(1))
            expectEqual(field(failed, "outcome"), .string("failed"))
            guard case .string(let why)? = field(failed, "result") else { Issue.record("no result in \(failed.result)"); return }
            #expect(why.contains("ValueError: no"))
        }

        @Test func parCompareOfASnippetHasGILRows() throws {
            let session = try session()
            defer {
                session.shutdown()
                WorkerMode.useExecutable(nil)
            }
            #expect(session.execute("trace on").succeeded)
            let outcome = session.execute("par compare --py 'def work():\\n    i = 0\\n    while i < 50_000:\\n        i += 1\\nwork()' --workers 2 --times 2 --rounds 1")
            #expect(outcome.succeeded, "\(String(describing: outcome.failure))")
            expectEqual(field(outcome, "count"), .int(4))
            let modes = (0..<4).map { index in outcome.result.fields["rows"].flatMap { rowValue($0, "mode", at: index) } }
            expectEqual(modes, [.string("sequential"), .string("threads (GIL)"), .string("threads (no GIL)"), .string("processes")])
            for key in ["threads_gil_speedup", "threads_no_gil_speedup", "processes_speedup", "threads_gil_cpu_use", "processes_cpu_use"] {
                #expect((field(outcome, key)?.number ?? 0) > 0, "\(key)")
            }
            expectEqual(field(outcome, "size"), .string("the snippet 2 times"))
            // Without --times the snippet is timed and repeated to fill a job.
            let sized = session.execute("par compare --py 'x = 1' --workers 2 --rounds 1 --job-ms 10")
            #expect(sized.succeeded, "\(String(describing: sized.failure))")
            guard case .string(let size)? = field(sized, "size") else { Issue.record("no size in \(sized.result)"); return }
            #expect(size.hasPrefix("the snippet "), "\(size)")
            // Traced: each part's threads and processes are rows of the timeline, the GIL threads with GIL events.
            let events = EventRecorder.of(session).snapshot().events
            let actors = Set(events.map(\.actor))
            #expect(actors.isSuperset(of: ["sequential", "gil-1", "gil-2", "nogil-1", "nogil-2", "proc-1", "proc-2"]), "\(actors)")
            #expect(events.contains { $0.actor == "gil-1" && $0.kind == .gilAcquire })
            #expect(!events.contains { $0.actor.hasPrefix("nogil") && $0.kind == .gilAcquire })
            #expect(events.contains { $0.actor == "proc-2" && $0.kind == .exit })
            // The session's interpreter was not used: its globals are still empty.
            #expect(PyRuntime.shared(for: session).globalsRecord().fields.isEmpty)
            let failing = session.execute("par compare --py 'raise KeyError(1)' --workers 2")
            expectEqual(failing.failure?.message.contains("KeyError"), true)
            #expect(session.objects.all(kind: .process).isEmpty)
        }

        /// `ipc echo` and `fd child` start processes too: `proc list/kill/wait` know them as well as workers.
        @Test func peerProcessesAreListedSignalledAndWaitedFor() throws {
            let session = try session()
            defer {
                session.shutdown()
                WorkerMode.useExecutable(nil)
            }
            for line in ["sock pair", "ipc echo ch1", "fd child", "proc spawn sleep 60000"] {
                let outcome = session.execute(line)
                #expect(outcome.succeeded, "\(line): \(String(describing: outcome.failure))")
            }
            let list = session.execute("proc list")
            expectEqual(field(list, "count"), .int(3))
            let roles = (0..<3).map { index in list.result.fields["rows"].flatMap { rowValue($0, "workload", at: index) } }
            expectEqual(roles, [.string("echo peer of ch1"), .string("fd child"), .string("sleep 60000")])
            #expect(session.execute("proc kill p1 STOP").succeeded)
            #expect(eventually { field(session.execute("proc list | where handle == \"p1\""), "rows").flatMap { rowValue($0, "state") } == .string("stopped") })
            #expect(session.execute("proc kill p1 KILL").succeeded)
            let wait = session.execute("proc wait p1 --timeout 10000")
            expectEqual(field(wait, "signal"), .string("SIGKILL"))
            expectEqual(field(wait, "role"), .string("echo peer of ch1"))
            expectEqual(session.execute("proc kill p1").failure?.message.contains("has already ended"), true)
            expectEqual(session.execute("proc wait p2 --timeout 50").failure?.message.contains("is still"), true)
            // proc tree names the live ones by handle (the test runner may have other children of its own).
            let tree = session.execute("proc tree")
            let handles = (0..<(Int(field(tree, "count")?.number ?? 0))).compactMap { index -> String? in
                guard case .string(let handle)? = tree.result.fields["rows"].flatMap({ rowValue($0, "handle", at: index) }) else { return nil }
                return handle
            }
            #expect(Set(handles).isSuperset(of: ["p2", "p3"]))
            #expect(!handles.contains("p1"))
        }

        /// The worker's channel takes a number free in the shell: a descriptor the worker inherits keeps its own.
        @Test func aWorkerInheritsDescriptorsUnderTheirOwnNumbers() throws {
            let session = try session()
            defer {
                session.shutdown()
                WorkerMode.useExecutable(nil)
            }
            let opened = session.execute("fd open /etc/hostname")
            #expect(opened.succeeded, "\(String(describing: opened.failure))")
            #expect(session.execute("proc spawn sleep 60000").succeeded)
            let listing = session.execute("fd list p1")
            let handle = try #require(field(opened, "handle"))
            guard case .list(let inherited)? = field(listing, "inherited") else { Issue.record("no inherited list"); return }
            #expect(inherited.contains(handle))
            let worker = try #require(try session.objects.lookup("p1", kind: .process) as? WorkerProcess)
            let channel = try #require(worker.channelNumber)
            #expect(Double(channel) != field(opened, "fd")?.number)
            let notes = (0..<Int(field(listing, "count")?.number ?? 0)).compactMap { index -> String? in
                guard case .string(let note)? = listing.result.fields["rows"].flatMap({ rowValue($0, "note", at: index) }) else { return nil }
                return note
            }
            #expect(notes.contains("channel to the shell (worker protocol)"))
            #expect(notes.contains { $0.hasPrefix("inherited: ") })
        }

        /// A worker that has ended (a zombie kept for `proc wait`) holds no slot of the process limit, and stays listed.
        @Test func endedWorkersDoNotCountTowardTheLimit() throws {
            let session = try session()
            defer {
                session.shutdown()
                WorkerMode.useExecutable(nil)
            }
            #expect(session.execute("set limit processes 2").succeeded)
            #expect(session.execute("proc spawn sleep 1500 --name a").succeeded)
            #expect(session.execute("proc spawn sleep 60000 --name b").succeeded)
            let full = session.execute("proc spawn sleep 400 --name c")
            expectEqual(full.failure?.message.contains("too many processes: 2 live, limit 2"), true, "\(full.failure?.message ?? "")")
            let ended = eventually(within: 10) { session.execute("show a").text.contains("zombie") }
            #expect(ended, "a did not end")
            let room = session.execute("proc spawn sleep 400 --name c")
            #expect(room.succeeded, "\(room.failure?.message ?? "")")
            expectEqual(Set(session.objects.handles(kind: .process)), ["a", "b", "c"])
        }

        @Test func spawnBenchReportsEachMethod() throws {
            let session = try session()
            defer {
                session.shutdown()
                WorkerMode.useExecutable(nil)
            }
            let outcome = session.execute("proc bench -n 2")
            #expect(outcome.succeeded, "\(String(describing: outcome.failure))")
            expectEqual(field(outcome, "count"), .int(4))
            for name in ["posix_spawn", "spawn", "forkserver", "thread"] {
                let median = field(outcome, name + "_ms")?.number ?? 0
                let fastest = field(outcome, name + "_min_ms")?.number ?? 0
                #expect(median > 0 && fastest > 0 && fastest <= median, "\(name): \(fastest) \(median)")
                // CPU a start used: never zero (something ran), and for a thread far less than any process start.
                #expect((field(outcome, name + "_cpu_ms")?.number ?? 0) > 0, "\(name)_cpu_ms")
            }
            let threadCPU = field(outcome, "thread_cpu_ms")?.number ?? .infinity
            for name in ["posix_spawn", "spawn", "forkserver"] {
                #expect(threadCPU < field(outcome, name + "_cpu_ms")?.number ?? 0, "thread \(threadCPU) vs \(name)")
            }
            expectEqual(outcome.result.fields["rows"].flatMap { rowValue($0, "method", at: 3) }, .string("thread"))
            #expect(session.objects.all(kind: .process).isEmpty)
        }

        /// The commands that start workers give the fields `help` lists for them (ResultFieldTests runs every other
        /// command's examples; a test runner starts no worker unless a test like this one names the binary).
        @Test func workerCommandsGiveTheirDeclaredFields() throws {
            let session = try session()
            let dir = try Files.makeTemporaryDirectory(prefix: "conclab-worker-fields")
            defer {
                session.shutdown()
                WorkerMode.useExecutable(nil)
                Files.removeTree(dir)
            }
            let notes = dir + "/notes.txt"
            try Files.writeAtomically(notes, "hello, worker\n")
            let commands = Dictionary(ResultFieldTests.allCommands(), uniquingKeysWith: { a, _ in a })
            var seen: Set<String> = []
            for line in ["proc spawn sleep 60000", "proc kill p1 STOP", "proc kill p1 CONT", "proc kill p1",
                         "proc wait p1 --timeout 10000", "proc spawn --py 'print(sum(range(1000)))'", "proc wait p2 --timeout 10000",
                         "proc bench -n 3", "fd child --name kid", "fd open \(notes) --name notes", "fd send notes kid --read 5",
                         "sock pair", "ipc echo ch1", "par compare spin 20 --rounds 1 --workers 2",
                         "io fetch -n 4 -k 2 --latency 0", "io convoy -n 5 --latency 0", "ipc pickle -n 1000"] {
                let outcome = session.execute(line)
                expectEqual(outcome.failure, nil, "\(line): \(String(describing: outcome.failure))")
                guard let path = outcome.path?.joined(separator: " "), let declared = commands[path] else { continue }
                seen.insert(path)
                let problems = ResultFieldTests.problems(outcome.result, declared.spec.fields)
                #expect(problems.isEmpty, "\(line): \(problems)")
            }
            #expect(ResultFieldTests.needWorkers.isSubset(of: seen), "not run: \(ResultFieldTests.needWorkers.subtracting(seen).sorted())")
        }
    }

}

private func rowValue(_ rows: Value, _ column: String, at index: Int = 0) -> Value? {
    guard case .list(let list) = rows, index < list.count, case .record(let record) = list[index] else { return nil }
    return record[column]
}

extension Session {
    /// Whether a pending notice contains `text` (notices are taken).
    func takeNoticesContaining(_ text: String) -> Bool {
        takeNotices().contains { $0.contains(text) }
    }
}
