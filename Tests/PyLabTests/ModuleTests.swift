import Testing
import TestSupport
import LabCore
import PyLab

/// `import` and the modules: the bytecode 3.11 compiles imports to, and the waits of `threading` and `queue`
/// that end by timing out (asserted by what they return, never by how long they took).
@Suite("Modules: import, threading, queue", .serialized, .timeLimit(.minutes(2)))
struct ModuleTests {
    static func ops(_ source: String) throws -> [String] {
        let runtime = PyRuntime()
        let table = Disassembler(runtime: runtime).table(try runtime.compile(source))
        return table.rows.compactMap { row -> String? in
            guard row.count > 2, case .string(let op) = row[2] else { return nil }
            return op
        }
    }

    @Test("import statements compile to CPython 3.11's opcodes (python3 -m dis)", arguments: [
        ("import threading", ["RESUME", "LOAD_CONST", "LOAD_CONST", "IMPORT_NAME", "STORE_NAME", "LOAD_CONST", "RETURN_VALUE"]),
        ("import concurrent.futures as cf",
         ["RESUME", "LOAD_CONST", "LOAD_CONST", "IMPORT_NAME", "IMPORT_FROM", "STORE_NAME", "POP_TOP", "LOAD_CONST", "RETURN_VALUE"]),
        ("from queue import Queue, Empty as E",
         ["RESUME", "LOAD_CONST", "LOAD_CONST", "IMPORT_NAME", "IMPORT_FROM", "STORE_NAME", "IMPORT_FROM", "STORE_NAME", "POP_TOP",
          "LOAD_CONST", "RETURN_VALUE"]),
        ("from math import *", ["RESUME", "LOAD_CONST", "LOAD_CONST", "IMPORT_NAME", "IMPORT_STAR", "LOAD_CONST", "RETURN_VALUE"]),
    ])
    func importsCompileAsCPythonDoes(_ example: (String, [String])) throws {
        #expect(try Self.ops(example.0) == example.1)
    }

    @Test("an import inside a function binds a local")
    func importInFunctionIsLocal() throws {
        let runtime = PyRuntime()
        let code = try runtime.compile("def f():\n    import time\n    return time.__name__\nprint(f())")
        let function = try #require(code.codes.first)
        #expect(function.localNames.contains("time"))
        let outcome = runtime.runHere(code, name: "test", cancellation: nil)
        expectEqual(outcome.output, "time\n")
    }

    @Test("unknown modules raise CPython's ModuleNotFoundError; refused ones say what conclab offers instead", arguments: [
        ("import nosuchmodule", "ModuleNotFoundError: No module named 'nosuchmodule'"),
        ("import multiprocessing", "ModuleNotFoundError: conclab's Python does not support the module multiprocessing"),
        ("import subprocess", "ModuleNotFoundError: conclab's Python does not support the module subprocess"),
        ("from threading import nothing_here", "ImportError: cannot import name 'nothing_here' from 'threading' (unknown location)"),
    ])
    func missingModules(_ example: (String, String)) {
        let result = PyHarness().run(example.0)
        expectEqual(result.error?.contains(example.1), true, "got \(result.error ?? "no error")")
    }

    @Test("Condition.wait with a timeout and nobody notifying returns False, with the lock held again")
    func conditionWaitTimesOut() {
        let py = PyHarness()
        let result = py.run("""
            import threading
            c = threading.Condition(threading.Lock())
            with c:
                print(c.wait(timeout=1))
                print(c._lock.locked())
            print(c._lock.locked())
            """)
        expectEqual(result.error, nil, "\(result.error ?? "")")
        expectEqual(result.output, "False\nTrue\nFalse\n")
    }

    @Test("a Barrier lets its parties through together and gives each a different index")
    func barrierReleasesAllParties() {
        let py = PyHarness()
        let result = py.run("""
            import threading
            b = threading.Barrier(4)
            seen = []
            lock = threading.Lock()
            def party(n):
                i = b.wait()
                with lock:
                    seen.append((i, b.n_waiting))
            ts = [threading.Thread(target=party, args=(n,)) for n in range(3)]
            for t in ts:
                t.start()
            last = b.wait()
            for t in ts:
                t.join()
            print(sorted([i for i, _ in seen] + [last]), b.broken)
            """)
        expectEqual(result.error, nil, "\(result.error ?? "")")
        expectEqual(result.output, "[0, 1, 2, 3] False\n")
    }

    @Test("a Barrier whose wait times out breaks, and every waiter gets BrokenBarrierError")
    func barrierTimeoutBreaks() {
        let result = PyHarness().run("""
            import threading
            b = threading.Barrier(2)
            try:
                b.wait(timeout=1)
            except threading.BrokenBarrierError:
                print("broken", b.broken)
            """)
        expectEqual(result.error, nil, "\(result.error ?? "")")
        expectEqual(result.output, "broken True\n")
    }

    @Test("Queue.get with a timeout on an empty queue raises queue.Empty")
    func queueGetTimeoutRaisesEmpty() {
        let result = PyHarness().run("""
            import queue
            q = queue.Queue()
            try:
                q.get(timeout=1)
                print("got something")
            except queue.Empty:
                print("Empty")
            q.put(3)
            print(q.get(timeout=1))
            """)
        expectEqual(result.error, nil, "\(result.error ?? "")")
        expectEqual(result.output, "Empty\n3\n")
    }

    @Test("join with a timeout on a running thread returns with the thread still alive")
    func joinTimeoutOnRunningThread() {
        let result = PyHarness().run("""
            import threading
            go = threading.Event()
            t = threading.Thread(target=go.wait)
            t.start()
            t.join(timeout=1)
            print(t.is_alive())
            go.set()
            t.join()
            print(t.is_alive())
            """)
        expectEqual(result.error, nil, "\(result.error ?? "")")
        expectEqual(result.output, "True\nFalse\n")
    }

    @Test("the snippet waits for threads it did not join, and their prints land in its output")
    func unjoinedThreadsFinishBeforeTheOutcome() {
        let py = PyHarness()
        let result = py.run("""
            import threading
            import time
            def late():
                time.sleep(1)
                print("late thread done")
            threading.Thread(target=late).start()
            print("main done")
            """)
        expectEqual(result.error, nil, "\(result.error ?? "")")
        expectEqual(result.output, "main done\nlate thread done\n")
        #expect(py.runtime.runningThreads.isEmpty)
    }

    @Test("an exception that ends a thread is reported with the thread's name, and the main thread goes on")
    func threadExceptionIsReported() {
        let result = PyHarness().run("""
            import threading
            def fail():
                raise ValueError("boom")
            t = threading.Thread(target=fail)
            t.start()
            t.join()
            print("main goes on")
            """)
        expectEqual(result.error, nil, "\(result.error ?? "")")
        #expect(result.output.hasPrefix("Exception in thread Thread-1 (fail):\n"))
        #expect(result.output.contains("ValueError: boom"))
        #expect(result.output.hasSuffix("main goes on\n"))
    }

    @Test("a daemon thread still running when the snippet ends is stopped, and the snippet does not wait for ever")
    func daemonThreadsAreStopped() {
        let py = PyHarness()
        let result = py.run("""
            import threading
            forever = threading.Event()
            threading.Thread(target=forever.wait, daemon=True).start()
            print("main done")
            """)
        expectEqual(result.error, nil, "\(result.error ?? "")")
        expectEqual(result.output, "main done\n")
        #expect(py.runtime.runningThreads.isEmpty)
    }

    @Test("sys.setswitchinterval changes the interval 'gil interval' shows")
    func setSwitchIntervalIsTheGILSetting() {
        let py = PyHarness()
        let result = py.run("import sys\nsys.setswitchinterval(2)")
        expectEqual(result.error, nil, "\(result.error ?? "")")
        expectEqual(py.runtime.settings.switchIntervalNanoseconds, 2_000_000_000)
    }

    @Test("py reset forgets imported modules with the globals, and the next import runs the module again")
    func resetForgetsModules() throws {
        let py = PyHarness()
        expectEqual(py.run("import collections\nd = collections.deque([1])").error, nil)
        _ = try py.runtime.reset()
        let again = py.run("import collections\nprint(collections.deque([2]))")
        expectEqual(again.error, nil, "\(again.error ?? "")")
        expectEqual(again.output, "deque([2])\n")
    }
}
