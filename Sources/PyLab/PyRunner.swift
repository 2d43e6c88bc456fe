import LabOS
import Synchronization
import LabCore

/// What one thread's run of a snippet produced.
package struct SnippetOutcome: Sendable {
    package var threadName: String
    /// Both streams, in the order the snippet wrote them.
    package var output: String
    /// The same, by stream.
    package var printed = ProgramOutput()
    /// The snippet ended itself with `sys.exit(…)`: the status, and the words it asked printed on stderr.
    package var exit: (status: Int32, message: String)?
    package var value: Value?
    package var valueText: String?
    package var error: String?
    /// The error's last line only ("NameError: … (line 2, column 1)").
    package var errorSummary: String?
    package var errorType: String?
    /// The exception's message alone, as `str(e)` gives it in Python.
    package var errorMessage: String?
    package var wallNanoseconds: Int64 = 0
    package var cpuNanoseconds: Int64 = 0
}

/// The result of running a snippet on several threads.
package struct TeamOutcome: Sendable {
    package var threads: [SnippetOutcome]
    package var wallNanoseconds: Int64
    package var cancelled: Bool
}

extension PyRuntime {
    /// Compiles a snippet (command-line `\n` already expanded) for this runtime.
    package func compile(_ source: String, returnLastValue: Bool = false) throws(PySyntaxError) -> CodeObject {
        try Compiler.compile(source, runtime: self, returnLastValue: returnLastValue)
    }

    /// Runs `code` on the calling thread, holding the GIL while it runs.
    package func runHere(_ code: CodeObject, name: String, cancellation: Cancellation?, wantValue: Bool = false) -> SnippetOutcome {
        run(code, on: PyThreadState(runtime: self, name: name, cancellation: cancellation), wantValue: wantValue)
    }

    /// Runs `code` to the end on `ts` (which belongs to the calling thread): takes the GIL, collects the output,
    /// the error and the wall and CPU time, and finishes the thread state. Every way of running a snippet uses it.
    package func run(_ code: CodeObject, on ts: PyThreadState, wantValue: Bool = false) -> SnippetOutcome {
        let start = Clock.monotonicNanoseconds()
        let cpuStart = Clock.threadCPUNanoseconds()
        ts.takeGIL()
        var outcome = SnippetOutcome(threadName: ts.name, output: "")
        do throws(PyError) {
            let v = try ts.run(code)
            if wantValue && v != .none {
                outcome.value = ts.labValue(v)
                // A repr that fails leaves the value without one; a Ctrl-C during it (a huge string) stops the run.
                do { outcome.valueText = try ts.repr(v) } catch where error.typeName == "KeyboardInterrupt" {
                    ts.decref(v)
                    throw error
                } catch {}
            }
            ts.decref(v)
        } catch where error.type.isSubclass(of: ts.runtime.classes.systemExit) {
            // sys.exit(…): the program ended itself; python3 shows no traceback, only the words it was given.
            var e = error
            outcome.exit = ts.exitRequest(e)
            if outcome.exit?.status == 0 { outcome.exit = nil }
            ts.releaseInstance(&e)
        } catch {
            var e = error
            outcome.error = ts.chainedReport(e)
            outcome.errorSummary = e.summary
            outcome.errorType = e.typeName
            outcome.errorMessage = e.message
            ts.releaseInstance(&e)
        }
        // As CPython's interpreter does at exit: wait for the threads the snippet started (daemons are stopped).
        ts.waitForFamily()
        outcome.printed = ts.family?.output ?? ts.output
        outcome.output = outcome.printed.text
        outcome.wallNanoseconds = Clock.monotonicNanoseconds() - start
        outcome.cpuNanoseconds = Clock.threadCPUNanoseconds() - cpuStart
        ts.finish()
        return outcome
    }

    /// Runs `code` on `count` new OS threads that share the globals, all released together, and waits for them.
    /// While waiting it polls `cancellation`; a cancel asks every thread to stop (a KeyboardInterrupt inside the
    /// snippet, so `finally` and `with` still run) and still waits for all of them. `onThreadEnd` is called on each
    /// thread as it ends, with its index.
    /// Threads are named `NAME-1`, `NAME-2` … (`py-1` by default); an `observer` hears each one's start and end
    /// (the GIL's own events go to the observer attached to the runtime's GIL, if any).
    package func runTeam(_ code: CodeObject, count: Int, cancellation: Cancellation?, threadName: String = "py",
                 observer: (any PyEventObserver)? = nil, onThreadEnd: (@Sendable (Int) -> Void)? = nil) throws -> TeamOutcome {
        final class Shared: Sendable {
            package let ready = Atomic<Int>(0)
            package let go = Atomic<Bool>(false)
            package let done = Gate([Int: SnippetOutcome]())
            package let states = Locked<[PyThreadState]>([])
        }
        let shared = Shared()
        var started = 0
        var failure: (any Error)?
        for index in 0..<count {
            let name = "\(threadName)-\(index + 1)"
            do {
                try OSThread.detach(name: "conclab-\(name)") { [self] in
                    let ts = PyThreadState(runtime: self, name: name, cancellation: nil)
                    shared.states.withLock { $0.append(ts) }
                    shared.ready.add(1, ordering: .acquiringAndReleasing)
                    while !shared.go.load(ordering: .acquiring) { System.yield() }
                    observer?.report(.threadStarted, thread: name)
                    let outcome = self.run(code, on: ts)
                    observer?.report(.threadEnded(error: outcome.errorSummary), thread: name)
                    onThreadEnd?(index)
                    shared.done.update { $0[index] = outcome }
                }
                started += 1
            } catch {
                failure = error
                break
            }
        }
        while shared.ready.load(ordering: .acquiring) < started { System.yield() }
        let states = shared.states.withLock { $0 }
        if failure != nil { for ts in states { ts.stop.cancel() } }
        let start = Clock.monotonicNanoseconds()
        shared.go.store(true, ordering: .releasing)
        var cancelled = false
        while true {
            if !cancelled && (cancellation?.isCancelled ?? false) { cancelled = true }
            // Asked again every 10 ms: a request is delivered once, and a snippet may catch it.
            if cancelled { for ts in states { ts.stop.cancel() } }
            let finished = shared.done.wait(timeoutNanoseconds: 10_000_000) { d -> Bool? in d.count == started ? true : nil }
            if finished == true { break }
        }
        let wall = Clock.monotonicNanoseconds() - start
        if let failure { throw CommandError("cannot start snippet thread \(started + 1) of \(count): \(failure)") }
        let outcomes = shared.done.update { d in (0..<started).compactMap { d[$0] } }
        return TeamOutcome(threads: outcomes, wallNanoseconds: wall, cancelled: cancelled)
    }
}
