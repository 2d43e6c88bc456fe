import LabOS
import Synchronization
import Testing
import TestSupport
import LabKit
import LabCore
import PyLab
import LabTopics
import LabGuide

/// Snippets on real threads: shared globals, the GIL, reference-count modes, stopping.
@Suite("Interpreter: threads", .serialized, .timeLimit(.minutes(1)))
struct InterpreterThreadTests {
    static let sharing = "def f():\n    for i in range(20000):\n        x = shared\n        y = [x, i]\nf()"

    @Test(arguments: [(true, RefcountMode.plain), (false, .atomic), (false, .biased), (true, .biased), (false, .locked)])
    func sharedObjectsKeepExactCounts(_ setting: (Bool, RefcountMode)) throws {
        let runtime = PyRuntime()
        try runtime.changeSettings {
            $0.gilEnabled = setting.0
            $0.refcount = setting.1
        }
        let py = PyHarness(runtime: runtime)
        let code = try runtime.compile(Self.sharing)
        for run in 0..<8 {
            expectEqual(py.run("shared = [1, 2, [3]]").error, nil)
            let team = try runtime.runTeam(code, count: 2, cancellation: nil)
            #expect(team.threads.allSatisfy { $0.error == nil }, "\(team.threads.compactMap(\.error))")
            let report = py.check()
            expectEqual(report.refcountErrors, 0, "run \(run), gil \(setting.0), \(setting.1): \(report.events.map(\.description))")
        }
    }

    @Test func globalsAreSharedAndALockMakesTheCounterExact() throws {
        let runtime = PyRuntime()
        // Without the GIL even the lock's own reference count needs atomic updates.
        try runtime.changeSettings {
            $0.gilEnabled = false
            $0.refcount = .atomic
        }
        let py = PyHarness(runtime: runtime)
        _ = py.run("x = 0\nlock = Lock()")
        let code = try runtime.compile("for i in range(5000):\n    with lock:\n        x += 1")
        let team = try runtime.runTeam(code, count: 3, cancellation: nil)
        #expect(team.threads.count == 3 && team.threads.allSatisfy { $0.error == nil })
        expectEqual(runtime.globalsRecord()["x"], .int(15000))
        expectEqual(py.check().refcountErrors, 0)
    }

    @Test func theGILHandsOverBetweenThreads() throws {
        let runtime = PyRuntime()
        try runtime.changeSettings { $0.switchIntervalNanoseconds = 1_000_000 }
        let code = try runtime.compile("spin(30)")
        let before = runtime.gil.stats
        let team = try runtime.runTeam(code, count: 2, cancellation: nil)
        let stats = runtime.gil.stats - before
        #expect(team.threads.allSatisfy { $0.error == nil })
        #expect(stats.forcedSwitches > 0)
        #expect(stats.dropRequests > 0)
    }

    @Test func cancellingStopsABusyTeam() throws {
        let runtime = PyRuntime()
        let code = try runtime.compile("while True:\n    pass")
        let cancellation = Cancellation()
        try cancel(cancellation, once: { !runtime.runningThreads.isEmpty })
        let team = try runtime.runTeam(code, count: 2, cancellation: cancellation)
        #expect(team.cancelled)
        #expect(team.threads.allSatisfy { $0.errorType == "KeyboardInterrupt" })
        #expect(runtime.runningThreads.isEmpty)
    }

    @Test func finallyRunsWhenAThreadIsStopped() throws {
        let runtime = PyRuntime()
        let py = PyHarness(runtime: runtime)
        _ = py.run("lock = Lock()")
        let code = try runtime.compile("with lock:\n    while True:\n        sleep(5)")
        let cancellation = Cancellation()
        try cancel(cancellation, once: { !runtime.runningThreads.isEmpty })
        _ = try runtime.runTeam(code, count: 1, cancellation: cancellation)
        expectEqual(py.run("lock.locked()", value: true).value, .bool(false))
    }

    @Test func backgroundSnippetThreadStopsOnClose() throws {
        let session = Session()
        let runtime = PyRuntime.shared(for: session)
        let thread = try runtime.makeThread(snippet: "n = 0\nwhile True:\n    n += 1\n    sleep(1)")
        let handle = try session.objects.add(thread)
        try thread.start(handle: handle)
        #expect(eventually(within: 5) { runtime.globalsRecord()["n"] != nil })
        expectEqual(thread.kind, .thread)
        expectEqual(thread.state, "running")
        // The shell's own commands share the globals with it.
        expectEqual(session.execute("py n > 0").result.fields["value"], .bool(true))
        #expect(session.shutdown().isEmpty)
        #expect(thread.isFinished)
        expectEqual(thread.state, "cancelled")
        #expect(runtime.runningThreads.isEmpty)
    }

    @Test func settingsCannotChangeWhileSnippetThreadsRun() throws {
        let runtime = PyRuntime()
        let thread = try runtime.spawnThread(snippet: "while True:\n    sleep(2)", name: "bg")
        #expect(eventually(within: 5) { !runtime.runningThreads.isEmpty })
        #expect(throws: CommandError.self) { try runtime.changeSettings { $0.gilEnabled = false } }
        try thread.close()
        #expect(runtime.runningThreads.isEmpty)
        try runtime.changeSettings { $0.gilEnabled = false }
        #expect(!runtime.settings.gilEnabled)
    }

    @Test func plainCountsWithoutTheGILAreCaughtNotCrashing() throws {
        // Whether updates collide depends on timing; the test only asserts that whatever happens is
        // reported by the heap check and nothing crashes.
        let runtime = PyRuntime()
        try runtime.changeSettings { $0.gilEnabled = false }
        let py = PyHarness(runtime: runtime)
        _ = py.run("shared = [1, 2, 3]")
        let code = try runtime.compile("def f():\n    for i in range(50000):\n        x = shared\nf()")
        _ = try runtime.runTeam(code, count: 2, cancellation: nil)
        let report = py.check()
        expectEqual(report.refcountErrors, Set(report.events.map(\.objectID)).count)
        _ = try runtime.reset()
    }
}

@Suite("Interpreter: capture and commands", .serialized, .timeLimit(.minutes(1)))
struct InterpreterCommandTests {
    @Test func captureReadsBothStreams() throws {
        let run = try Capture.run("/bin/sh", arguments: ["-c", "echo out; echo err >&2; exit 3"], timeoutNanoseconds: 5_000_000_000)
        expectEqual(run.standardOutput, "out\n")
        expectEqual(run.standardError, "err\n")
        expectEqual(run.status, .exited(3))
        #expect(!run.timedOut)
    }

    @Test func captureKillsAProgramThatRunsTooLong() throws {
        let run = try Capture.run("/bin/sleep", arguments: ["10"], timeoutNanoseconds: 100_000_000)
        #expect(run.timedOut)
        expectEqual(run.status, .signaled(9))
    }

    @Test func captureReportsAMissingProgram() {
        #expect(throws: OSError.self) { try Capture.run("/nonexistent/python3", arguments: [], timeoutNanoseconds: 1_000_000_000) }
    }

    @Test func pyCommandResults() {
        let session = Session()
        #expect(session.execute("py x = 40 + 2").succeeded)
        expectEqual(session.execute("py x").result.fields["value"], .int(42))
        let failure = session.execute("py print('before')\\nundefined_name").failure
        // What the snippet printed before its exception is output, kept apart from the error.
        expectEqual(failure?.output, "before\n")
        expectEqual(failure?.message.contains("before"), false)
        expectEqual(failure?.message.contains("NameError: name 'undefined_name' is not defined (line 2, column 1)"), true)
        let threads = session.execute("py --threads 2 --setup 'c = 0\\nl = Lock()' --expect c=2000 'for i in range(1000):\\n    with l:\\n        c += 1'")
        #expect(threads.succeeded, "\(threads.failure?.message ?? "")")
        expectEqual(threads.result.fields["lost"], .int(0))
        expectEqual(threads.result.fields["refcount_errors"], .int(0))
        #expect(session.execute("py reset").succeeded)
        #expect(session.execute("py x").failure != nil)
    }

    /// `--repeat K` stops at the first run with any problem; `--until freed` only at one where an object was freed
    /// while referenced or used after it was freed, so a run with another problem does not end it.
    @Test func repeatStopsAtTheKindOfProblemAskedFor() {
        let session = Session()
        let anyProblem = session.execute("py --threads 2 --repeat 3 'raise ValueError(1)'")
        expectEqual(anyProblem.result.fields["runs"], .int(1), "\(anyProblem.result)")
        let untilFreed = session.execute("py --threads 2 --repeat 3 --until freed 'raise ValueError(1)'")
        expectEqual(untilFreed.result.fields["runs"], .int(3), "\(untilFreed.result)")
        expectEqual(untilFreed.result.fields["errors"], .int(2))
        expectEqual(session.execute("py --threads 2 --until freed 'x = 1'").failure?.message, "--until goes with --repeat K")
        #expect(PyCommand.freedWhileInUse(Record([("freed_while_referenced", .int(1)), ("use_after_free", .int(0))])))
        #expect(PyCommand.freedWhileInUse(Record([("freed_while_referenced", .int(0)), ("use_after_free", .int(7))])))
        #expect(!PyCommand.freedWhileInUse(Record([("freed_while_referenced", .int(0)), ("use_after_free", .int(0)), ("count_too_high", .int(1))])))
        #expect(!PyCommand.freedWhileInUse(Record([("refcount_errors", .null)])))
    }

    @Test func gilCommands() {
        let session = Session()
        expectEqual(session.execute("gil off").result.fields["gil"], .string("off"))
        expectEqual(session.execute("gil refcount biased").result.fields["refcount"], .string("biased"))
        expectEqual(session.execute("gil interval 2").result.fields["interval_ms"], .quantity(2, .milliseconds))
        expectEqual(session.execute("gil interval 0").failure?.kind, .usage)
        expectEqual(session.execute("gil interval 0.001").result.fields["interval_ms"], .quantity(0.001, .milliseconds))
        expectEqual(session.execute("gil").result.fields["switch"], .string("eval-breaker"))
        expectEqual(session.execute("gil switch anywhere").result.fields["switch"], .string("anywhere"))
        expectEqual(PyRuntime.shared(for: session).settings.switchRule, .anywhere)
        expectEqual(session.execute("gil switch everywhere").failure?.kind, .usage)
        expectEqual(session.execute("gil switch eval-breaker").result.fields["switch"], .string("eval-breaker"))
        #expect(session.execute("gil stats").succeeded)
        expectEqual(session.execute("gil on").result.fields["gil"], .string("on"))
    }

    @Test func compareRunsBothOrSaysWhy() {
        let session = Session()
        let outcome = session.execute("compare --cpython --setup 'x = 0' 'for i in range(1000):\\n    x += 1'")
        #expect(outcome.succeeded, "\(outcome.failure?.message ?? "")")
        let fields = outcome.result.fields
        expectEqual(fields["threads"], .int(2))
        if Files.findExecutable("python3") != nil {
            expectEqual(fields["cpython"], .string("ran"))
            #expect(fields["cpython_globals"] != nil)
        } else {
            expectEqual(fields["cpython"], .string("skipped"))
        }
    }

    /// compare also sets what each side printed and raised side by side, and runs python3 at conclab's interval.
    @Test func compareComparesOutputAndException() {
        let session = Session()
        #expect(session.execute("gil interval 0.5").succeeded)
        let outcome = session.execute("compare --cpython --threads 1 'print(6 * 7)\\nraise ValueError(\"bad\")'")
        #expect(outcome.succeeded, "\(outcome.failure?.message ?? "")")
        let fields = outcome.result.fields
        expectEqual(fields["conclab_output"], .string("42\n"))
        expectEqual(fields["conclab_error"], .string("ValueError: bad"))
        if Files.findExecutable("python3") != nil {
            expectEqual(fields["cpython_output"], .string("42\n"))
            expectEqual(fields["cpython_error"], .string("ValueError: bad"))
            #expect(fields["output_same"] == .bool(true) && fields["error_same"] == .bool(true))
            expectEqual(fields["cpython_interval_ms"]?.number.map { abs($0 - 0.5) < 1e-9 }, true, "\(fields["cpython_interval_ms"] ?? .null)")
        }
        let clean = session.execute("compare --cpython --threads 1 'print(1)'").result.fields
        expectEqual(clean["conclab_error"], .null)
        if Files.findExecutable("python3") != nil {
            #expect(clean["cpython_error"] == .null && clean["error_same"] == .bool(true))
        }
        let different = session.execute("compare --cpython --threads 1 'print(thread_name())'").result.fields
        if Files.findExecutable("python3") != nil {
            // Each side names its own thread: the outputs differ, and compare says so.
            expectEqual(different["output_same"], .bool(false), "\(different)")
        }
    }
}
