import LabOS
import Synchronization
import LabCore
import BigInt

/// `math`: the integer functions here, the float ones in PyMathFloats.swift.
package enum MathModule {
    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (x, y) = (a.magnitude, b.magnitude)
        while y != 0 { (x, y) = (y, x % y) }
        return Int(x)
    }

    package static let definition = ModuleDefinition("math", natives: floatFunctions + [
        // gcd, lcm and factorial in integers of any size, as CPython's (they no longer stop at 63 bits).
        Builtin("gcd") { ts, a throws(PyError) in
            var g = BigInt(0)
            for i in 0..<a.count { g = g.greatestCommonDivisor(with: try wholeNumber(ts, a[i], "gcd")) }
            return ts.newInt(g)
        },
        Builtin("lcm") { ts, a throws(PyError) in
            var l = BigInt(1)
            for i in 0..<a.count {
                let x = try wholeNumber(ts, a[i], "lcm")
                if x == 0 { return .int(0) }
                l = l / l.greatestCommonDivisor(with: x) * BigInt(x.magnitude)
            }
            return ts.newInt(l)
        },
        Builtin("factorial") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let n = try ts.intArgument(a[0], "factorial() argument")
            if n < 0 { throw ts.valueError("factorial() not defined for negative values") }
            if n > 20_000 { throw ts.error(ts.runtime.classes.overflowError, "conclab's Python computes factorial() up to 20000") }
            var r = BigInt(1)
            for i in stride(from: 2, through: n, by: 1) { r *= BigInt(i) }
            return ts.newInt(r)
        },
        Builtin("isqrt") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            let n = try ts.intArgument(a[0], "isqrt() argument")
            if n < 0 { throw ts.valueError("isqrt() argument must be nonnegative") }
            var x = Int(Double(n).squareRoot())
            while x * x > n { x -= 1 }
            while (x + 1) * (x + 1) <= n { x += 1 }
            return .int(x)
        },
        Builtin("comb") { ts, a throws(PyError) in
            try a.expect(2...2, ts)
            let n = try ts.intArgument(a[0], "comb()"), k = try ts.intArgument(a[1], "comb()")
            if n < 0 || k < 0 { throw ts.valueError("\(n < 0 ? "n" : "k") must be a non-negative integer") }
            if k > n { return .int(0) }
            var r = BigInt(1)
            for i in 0..<min(k, n - k) { r = r * BigInt(n - i) / BigInt(i + 1) }
            return ts.newInt(r)
        },
        Builtin("perm") { ts, a throws(PyError) in
            try a.expect(1...2, ts)
            let n = try ts.intArgument(a[0], "perm()")
            let k = a.count == 2 && a[1] != .none ? try ts.intArgument(a[1], "perm()") : n
            if n < 0 || k < 0 { throw ts.valueError("\(n < 0 ? "n" : "k") must be a non-negative integer") }
            if k > n { return .int(0) }
            var r = BigInt(1)
            for i in 0..<k { r *= BigInt(n - i) }
            return ts.newInt(r)
        },
        Builtin("prod") { ts, a throws(PyError) in
            try a.expect(1...1, keywords: ["start"], ts)
            var total = a.keyword("start") ?? .int(1)
            ts.incref(total)
            for v in try ts.collect(a[0]) {
                let next = try ts.binary(.binaryMul, total, v)
                ts.decref(total)
                ts.decref(v)
                total = next
            }
            return total
        },
    ], source: """
        pi = 3.141592653589793
        e = 2.718281828459045
        tau = 6.283185307179586
        inf = float("inf")
        nan = float("nan")
        """)
}

/// `concurrent.futures`: `ThreadPoolExecutor` over conclab's threads (its workers are daemon threads, so work
/// left unfinished when the snippet ends without `shutdown` or `with` is dropped); `ProcessPoolExecutor` refuses and
/// names the conclab command that runs Python in processes.
package enum ConcurrentModule {
    package static let package = ModuleDefinition("concurrent")

    package static let futures = ModuleDefinition("concurrent.futures", source: """
        import threading
        import queue as _queue

        FIRST_COMPLETED = "FIRST_COMPLETED"
        FIRST_EXCEPTION = "FIRST_EXCEPTION"
        ALL_COMPLETED = "ALL_COMPLETED"
        TimeoutError = TimeoutError

        class CancelledError(Exception):
            pass

        _changed = threading.Condition()

        class Future:
            def __init__(self):
                self._cond = threading.Condition()
                self._state = "PENDING"
                self._result = None
                self._exception = None
                self._callbacks = []

            def done(self):
                return self._state == "FINISHED" or self._state == "CANCELLED"

            def running(self):
                return self._state == "RUNNING"

            def cancelled(self):
                return self._state == "CANCELLED"

            def cancel(self):
                with self._cond:
                    if self._state == "RUNNING" or self._state == "FINISHED":
                        return False
                    if self._state != "CANCELLED":
                        self._state = "CANCELLED"
                        self._cond.notify_all()
                self._announce()
                return True

            def _start(self):
                with self._cond:
                    if self._state == "CANCELLED":
                        return False
                    self._state = "RUNNING"
                    return True

            def _wait(self, timeout):
                deadline = threading._deadline(timeout)
                with self._cond:
                    while not self.done():
                        if deadline is not None and threading._expired(deadline):
                            raise TimeoutError
                        self._cond._wait_until(deadline)
                if self._state == "CANCELLED":
                    raise CancelledError

            def result(self, timeout=None):
                self._wait(timeout)
                if self._exception is not None:
                    raise self._exception
                return self._result

            def exception(self, timeout=None):
                self._wait(timeout)
                return self._exception

            def add_done_callback(self, fn):
                with self._cond:
                    if not self.done():
                        self._callbacks.append(fn)
                        return
                fn(self)

            def set_result(self, result):
                self._finish(result, None)

            def set_exception(self, exception):
                self._finish(None, exception)

            def _finish(self, result, exception):
                with self._cond:
                    self._result = result
                    self._exception = exception
                    self._state = "FINISHED"
                    self._cond.notify_all()
                self._announce()

            def _announce(self):
                with _changed:
                    _changed.notify_all()
                for fn in self._callbacks:
                    fn(self)

            def __repr__(self):
                return "<Future state=" + self._state.lower() + ">"

        def _worker(work):
            while True:
                item = work.get()
                if item is None:
                    return
                future = item[0]
                if not future._start():
                    continue
                try:
                    result = _call(item[1], item[2], item[3])
                except BaseException as e:
                    future._finish(None, e)
                else:
                    future._finish(result, None)

        _pools = 0

        def _next_pool():
            global _pools
            _pools += 1
            return _pools - 1

        class ThreadPoolExecutor:
            def __init__(self, max_workers=None, thread_name_prefix=""):
                if max_workers is None:
                    max_workers = 5
                if max_workers <= 0:
                    raise ValueError("max_workers must be greater than 0")
                self._max_workers = max_workers
                self._work = _queue.SimpleQueue()
                self._threads = []
                self._shutdown = False
                self._lock = threading.Lock()
                if not thread_name_prefix:
                    thread_name_prefix = "ThreadPoolExecutor-" + str(_next_pool())
                self._prefix = thread_name_prefix
                self.submit = _packed(self._submit, "submit")
                self.map = _packed(self._map, "map")

            def _submit(self, args, kwargs):
                if len(args) == 0:
                    raise TypeError("submit expected at least 1 positional argument, got 0")
                with self._lock:
                    if self._shutdown:
                        raise RuntimeError("cannot schedule new futures after shutdown")
                    future = Future()
                    self._work.put((future, args[0], args[1:], kwargs))
                    if len(self._threads) < self._max_workers:
                        name = self._prefix + "_" + str(len(self._threads))
                        t = threading.Thread(name=name, target=_worker, args=(self._work,), daemon=True)
                        self._threads.append(t)
                        t.start()
                return future

            def _map(self, args, kwargs):
                function = args[0]
                futures = []
                for row in _call(zip, args[1:], None):
                    futures.append(self._submit((function,) + row, {}))
                return _results(futures, kwargs.get("timeout", None))

            def shutdown(self, wait=True, cancel_futures=False):
                with self._lock:
                    self._shutdown = True
                    for t in self._threads:
                        self._work.put(None)
                if wait:
                    for t in self._threads:
                        t.join()

            def __enter__(self):
                return self

            def __exit__(self, t, v, tb):
                self.shutdown(True)
                return False

        def _results(futures, timeout):
            for f in futures:
                yield f.result(timeout)

        def as_completed(fs, timeout=None):
            pending = list(fs)
            total = len(pending)
            deadline = threading._deadline(timeout)
            while pending:
                with _changed:
                    ready = [f for f in pending if f.done()]
                    while not ready:
                        if deadline is not None and threading._expired(deadline):
                            raise TimeoutError(str(len(pending)) + " (of " + str(total) + ") futures unfinished")
                        _changed._wait_until(deadline)
                        ready = [f for f in pending if f.done()]
                for f in ready:
                    pending.remove(f)
                    yield f

        def wait(fs, timeout=None, return_when=ALL_COMPLETED):
            if return_when not in (FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED):
                raise ValueError("Invalid return condition: " + repr(return_when))
            fs = set(fs)
            deadline = threading._deadline(timeout)
            with _changed:
                while True:
                    done = set([f for f in fs if f.done()])
                    if len(done) == len(fs):
                        break
                    if return_when == FIRST_COMPLETED and done:
                        break
                    if return_when == FIRST_EXCEPTION and [f for f in done if not f.cancelled() and f.exception() is not None]:
                        break
                    if deadline is not None and threading._expired(deadline):
                        break
                    _changed._wait_until(deadline)
            return (done, fs - done)

        class ProcessPoolExecutor:
            def __init__(self, max_workers=None):
                raise NotImplementedError("conclab's Python does not support ProcessPoolExecutor (its processes are conclab's: 'par compare --py' runs Python in worker processes)")
        """)
}

/// An int argument of any size (a float or anything else is CPython's TypeError).
private func wholeNumber(_ ts: PyThreadState, _ v: PyValue, _ function: String) throws(PyError) -> BigInt {
    switch ts.number(v) {
    case .small(let i): return BigInt(i)
    case .big(let b): return b
    default: throw ts.typeError("'\(ts.typeName(v))' object cannot be interpreted as an integer")
    }
}
