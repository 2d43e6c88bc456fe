import LabOS
import LabCore

/// `threading`, as CPython builds it: the thread start and the lock are primitives (here in Swift), and everything
/// else (`Thread`, `RLock`, `Condition`, `Semaphore`, `Event`, `Barrier`, `Timer`) is Python on top of them, run by
/// conclab's own interpreter, so a `Condition.wait` really gives up its lock and sleeps on a fresh one.
///
/// A started `Thread` is a real OS thread under conclab's GIL (see `PyThreadFamily`); its name is CPython's
/// (`Thread-1 (work)`), its `ident` the number of its thread state, its `native_id` the kernel's thread id.
/// Timeouts go through `TimeModule` (deadlines in integer nanoseconds, so no float arithmetic happens here).
package enum ThreadingModule {
    static func deadline(_ ts: PyThreadState, _ value: PyValue) throws(PyError) -> PyValue {
        guard value != .none else { return .none }
        let ns = try TimeModule.nanoseconds(ts, of: value, what: "a timeout")
        return try ts.int(Int(Clock.monotonicNanoseconds() + max(0, ns)))
    }

    /// The name CPython adds to `Thread-N`: the target's `__name__`.
    static func callableName(_ ts: PyThreadState, _ v: PyValue) -> String? {
        guard v.isObject else { return v.isBuiltin ? Builtins.table[v.builtinIndex].name : nil }
        switch v.object {
        case let f as PyFunction: return f.name
        case let m as PyMethod: return callableName(ts, m.function)
        case let n as PyNative: return n.builtin.name
        case let c as PyClass: return c.name
        case let b as PyBuiltinMethod: return Builtins.table[b.builtin].name
        default: return nil
        }
    }

    package static let definition = ModuleDefinition("threading", natives: [
        Builtin("_start") { ts, a throws(PyError) in
            try a.expect(5...5, ts)
            guard let name = ts.string(a[1]) else { throw ts.typeError("thread name must be str") }
            let register = a[3].isObject ? a[3].object as? PyDict : nil
            return .int(try ts.startThread(a[0], name: name, daemon: try ts.truthy(a[2]), register: register, thread: a[4]))
        },
        Builtin("_ident") { ts, a throws(PyError) in
            try a.expect(0...0, ts)
            return .int(ts.number)
        },
        Builtin("_main_ident") { ts, a throws(PyError) in
            try a.expect(0...0, ts)
            return .int(ts.family?.rootNumber ?? ts.number)
        },
        Builtin("_native_id") { ts, a throws(PyError) in
            try a.expect(0...0, ts)
            return .int(Int(System.threadID))
        },
        Builtin("_thread_name") { ts, a throws(PyError) in
            try a.expect(0...0, ts)
            // The thread that runs a `py` snippet is Python's main thread.
            return ts.newString(ts.name == "main" ? "MainThread" : ts.name)
        },
        Builtin("_callable_name") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return callableName(ts, a[0]).map { ts.newString($0) } ?? .none
        },
        Builtin("_report") { ts, a throws(PyError) in
            // An exception that ended a thread, printed as CPython's excepthook prints it (here into the output).
            try a.expect(2...2, ts)
            ts.incref(a[1])
            var e = try ts.exceptionToRaise(a[1])
            defer { ts.releaseInstance(&e) }
            // As threading's excepthook: SystemExit ends the thread without a word.
            if e.type === ts.runtime.classes.keyboardInterrupt || e.type.isSubclass(of: ts.runtime.classes.systemExit) { return .none }
            // On stderr, as CPython's, with the learner's frames (the threading module's own keep no line numbers).
            ts.write("Exception in thread \(ts.string(a[0]) ?? "?"):\n\(ts.chainedReport(e))\n", error: true)
            return .none
        },
        Builtin("_make_thread_local") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            guard a[0].isObject, a[0].object.kind == .cls else { throw ts.typeError("_make_thread_local() needs a class") }
            unsafeDowncast(a[0].object, to: PyClass.self).threadLocal.store(true, ordering: .relaxed)
            return .none
        },
        Builtin("_deadline") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return try deadline(ts, a[0])
        },
        Builtin("_expired") { ts, a throws(PyError) in
            try a.expect(1...1, ts)
            return .bool(Clock.monotonicNanoseconds() >= Int64(try ts.intArgument(a[0], "deadline")))
        },
        Builtin("_acquire_until") { ts, a throws(PyError) in
            // lock.acquire() with a deadline (None: for ever; passed: one try without waiting).
            try a.expect(2...2, ts)
            guard a[0].isObject, let lock = a[0].object as? PyLock else { throw ts.typeError("_acquire_until needs a lock") }
            guard a[1] != .none else { return .bool(try ts.lockAcquire(lock, blocking: true, timeoutNanoseconds: nil)) }
            let left = Int64(try ts.intArgument(a[1], "deadline")) - Clock.monotonicNanoseconds()
            return .bool(try ts.lockAcquire(lock, blocking: left > 0, timeoutNanoseconds: left > 0 ? left : nil))
        },
    ], source: source)

    static let source = """
        Lock = Lock
        TIMEOUT_MAX = 9223372036
        _active = {}
        _counter = 0

        class ExceptHookArgs:
            def __init__(self, exc_type, exc_value, exc_traceback, thread):
                self.exc_type = exc_type
                self.exc_value = exc_value
                self.exc_traceback = exc_traceback
                self.thread = thread

        def excepthook(args):
            # What an exception that ends a thread does (a program may set its own): print it to stderr.
            _report(args.thread.name if args.thread is not None else "?", args.exc_value)

        def get_ident():
            return _ident()

        def get_native_id():
            return _native_id()

        def _newname(target):
            global _counter
            _counter += 1
            name = "Thread-" + str(_counter)
            if target is not None:
                n = _callable_name(target)
                if n is not None:
                    name = name + " (" + n + ")"
            return name

        class Thread:
            def __init__(self, group=None, target=None, name=None, args=(), kwargs=None, daemon=None):
                if group is not None:
                    raise AssertionError("group argument must be None for now")
                if kwargs is None:
                    kwargs = {}
                if name:
                    name = str(name)
                else:
                    name = _newname(target)
                if daemon is None:
                    daemon = current_thread().daemon
                self._target = target
                self._args = args
                self._kwargs = kwargs
                self.name = name
                self.daemon = daemon
                self.ident = None
                self.native_id = None
                self._started = False
                self._done = Lock()

            def start(self):
                if self._started:
                    raise RuntimeError("threads can only be started once")
                self._started = True
                self._done.acquire()
                self.ident = _start(self._bootstrap, self.name, self.daemon, _active, self)

            def run(self):
                if self._target is not None:
                    _call(self._target, self._args, self._kwargs)

            def _bootstrap(self):
                self.native_id = _native_id()
                try:
                    self.run()
                except BaseException as e:
                    excepthook(ExceptHookArgs(type(e), e, None, self))
                finally:
                    _active.pop(_ident(), None)
                    self._done.release()

            def join(self, timeout=None):
                if not self._started:
                    raise RuntimeError("cannot join thread before it is started")
                if self is current_thread():
                    raise RuntimeError("cannot join current thread")
                if _acquire_until(self._done, _deadline(timeout)):
                    self._done.release()

            def is_alive(self):
                return self._started and self._done.locked()

            def getName(self):
                return self.name

            def setName(self, name):
                self.name = str(name)

            def isDaemon(self):
                return self.daemon

            def setDaemon(self, daemonic):
                self.daemon = daemonic

            def __repr__(self):
                status = "initial"
                if self._started:
                    status = "started"
                    if not self.is_alive():
                        status = "stopped"
                if self.daemon:
                    status = status + " daemon"
                if self.ident is not None:
                    status = status + " " + str(self.ident)
                return "<" + _class_name(self) + "(" + self.name + ", " + status + ")>"

        def _class_name(obj):
            return type(obj).__name__

        class _MainThread(Thread):
            def __init__(self, ident, name):
                self._target = None
                self.name = name
                self.daemon = False
                self.ident = ident
                self.native_id = _native_id()
                self._started = True
                self._done = Lock()
                self._done.acquire()

        def current_thread():
            ident = _ident()
            t = _active.get(ident)
            if t is None:
                t = _MainThread(ident, _thread_name())
                _active[ident] = t
            return t

        currentThread = current_thread

        def main_thread():
            ident = _main_ident()
            t = _active.get(ident)
            if t is None:
                if ident != _ident():
                    return current_thread()
                t = current_thread()
            return t

        def enumerate():
            result = []
            for t in list(_active.values()):
                if t.is_alive():
                    result.append(t)
            main = main_thread()
            if main not in result:
                result.insert(0, main)
            return result

        def active_count():
            return len(enumerate())

        activeCount = active_count

        class RLock:
            def __init__(self):
                self._block = Lock()
                self._owner = None
                self._count = 0

            def acquire(self, blocking=True, timeout=-1):
                me = _ident()
                if self._owner == me:
                    self._count += 1
                    return True
                if not self._block.acquire(blocking, timeout):
                    return False
                self._owner = me
                self._count = 1
                return True

            def release(self):
                if self._owner != _ident():
                    raise RuntimeError("cannot release un-acquired lock")
                self._count -= 1
                if self._count == 0:
                    self._owner = None
                    self._block.release()

            def __enter__(self):
                return self.acquire()

            def __exit__(self, t, v, tb):
                self.release()

            def _is_owned(self):
                return self._owner == _ident()

            def _release_save(self):
                count = self._count
                self._count = 0
                self._owner = None
                self._block.release()
                return count

            def _acquire_restore(self, count):
                self._block.acquire()
                self._owner = _ident()
                self._count = count

            def __repr__(self):
                state = "unlocked"
                if self._owner is not None:
                    state = "locked"
                return "<" + state + " _thread.RLock object owner=" + str(self._owner or 0) + " count=" + str(self._count) + ">"

        class Condition:
            def __init__(self, lock=None):
                if lock is None:
                    lock = RLock()
                self._lock = lock
                self._waiters = []

            def acquire(self, blocking=True, timeout=-1):
                return self._lock.acquire(blocking, timeout)

            def release(self):
                self._lock.release()

            def __enter__(self):
                return self._lock.acquire()

            def __exit__(self, t, v, tb):
                self._lock.release()

            def _is_owned(self):
                if isinstance(self._lock, RLock):
                    return self._lock._is_owned()
                if self._lock.acquire(False):
                    self._lock.release()
                    return False
                return True

            def _wait_until(self, deadline):
                if not self._is_owned():
                    raise RuntimeError("cannot wait on un-acquired lock")
                waiter = Lock()
                waiter.acquire()
                self._waiters.append(waiter)
                if isinstance(self._lock, RLock):
                    saved = self._lock._release_save()
                else:
                    saved = None
                    self._lock.release()
                got = False
                try:
                    got = _acquire_until(waiter, deadline)
                    return got
                finally:
                    if saved is None:
                        self._lock.acquire()
                    else:
                        self._lock._acquire_restore(saved)
                    if not got:
                        if waiter in self._waiters:
                            self._waiters.remove(waiter)

            def wait(self, timeout=None):
                return self._wait_until(_deadline(timeout))

            def wait_for(self, predicate, timeout=None):
                deadline = _deadline(timeout)
                result = predicate()
                while not result:
                    if deadline is not None and _expired(deadline):
                        break
                    self._wait_until(deadline)
                    result = predicate()
                return result

            def notify(self, n=1):
                if not self._is_owned():
                    raise RuntimeError("cannot notify on un-acquired lock")
                while n > 0 and self._waiters:
                    self._waiters.pop(0).release()
                    n -= 1

            def notify_all(self):
                self.notify(len(self._waiters))

            notifyAll = notify_all

        class Semaphore:
            def __init__(self, value=1):
                if value < 0:
                    raise ValueError("semaphore initial value must be >= 0")
                self._cond = Condition(Lock())
                self._value = value

            def acquire(self, blocking=True, timeout=None):
                if not blocking and timeout is not None:
                    raise ValueError("can't specify timeout for non-blocking acquire")
                deadline = _deadline(timeout)
                with self._cond:
                    while self._value == 0:
                        if not blocking:
                            return False
                        if deadline is not None and _expired(deadline):
                            return False
                        self._cond._wait_until(deadline)
                    self._value -= 1
                    return True

            def release(self, n=1):
                if n < 1:
                    raise ValueError("n must be one or more")
                with self._cond:
                    self._value += n
                    self._cond.notify(n)

            def __enter__(self):
                return self.acquire()

            def __exit__(self, t, v, tb):
                self.release()

            def __repr__(self):
                return "<" + _class_name(self) + " value=" + str(self._value) + ">"

        class BoundedSemaphore(Semaphore):
            def __init__(self, value=1):
                Semaphore.__init__(self, value)
                self._initial_value = value

            def release(self, n=1):
                if n < 1:
                    raise ValueError("n must be one or more")
                with self._cond:
                    if self._value + n > self._initial_value:
                        raise ValueError("Semaphore released too many times")
                    self._value += n
                    self._cond.notify(n)

        class Event:
            def __init__(self):
                self._cond = Condition(Lock())
                self._flag = False

            def is_set(self):
                return self._flag

            isSet = is_set

            def set(self):
                with self._cond:
                    self._flag = True
                    self._cond.notify_all()

            def clear(self):
                with self._cond:
                    self._flag = False

            def wait(self, timeout=None):
                deadline = _deadline(timeout)
                with self._cond:
                    while not self._flag:
                        if deadline is not None and _expired(deadline):
                            break
                        self._cond._wait_until(deadline)
                    return self._flag

        class BrokenBarrierError(RuntimeError):
            pass

        class Barrier:
            def __init__(self, parties, action=None, timeout=None):
                self._cond = Condition(Lock())
                self._action = action
                self._timeout = timeout
                self.parties = parties
                self._state = 0
                self._count = 0
                self.n_waiting = 0
                self.broken = False

            def _set_count(self, n):
                self._count = n
                if self._state == 0:
                    self.n_waiting = n
                else:
                    self.n_waiting = 0

            def wait(self, timeout=None):
                if timeout is None:
                    timeout = self._timeout
                deadline = _deadline(timeout)
                with self._cond:
                    while self._state == 1 or self._state == -1:
                        self._cond._wait_until(None)
                    if self._state < 0:
                        raise BrokenBarrierError
                    index = self._count
                    self._set_count(index + 1)
                    try:
                        if index + 1 == self.parties:
                            self._release()
                        else:
                            self._wait(deadline)
                        return index
                    finally:
                        self._set_count(self._count - 1)
                        if self._count == 0 and (self._state == 1 or self._state == -1):
                            self._state = 0
                            self._cond.notify_all()

            def _release(self):
                try:
                    if self._action is not None:
                        self._action()
                    self._state = 1
                    self.n_waiting = 0
                    self._cond.notify_all()
                except BaseException:
                    self._break()
                    raise

            def _wait(self, deadline):
                while self._state == 0:
                    if deadline is not None and _expired(deadline):
                        self._break()
                        raise BrokenBarrierError
                    self._cond._wait_until(deadline)
                if self._state < 0:
                    raise BrokenBarrierError

            def _break(self):
                self._state = -2
                self.broken = True
                self.n_waiting = 0
                self._cond.notify_all()

            def abort(self):
                with self._cond:
                    self._break()

            def reset(self):
                with self._cond:
                    if self._count > 0:
                        self._state = -1
                    else:
                        self._state = 0
                    self.broken = False
                    self._cond.notify_all()

        class Timer(Thread):
            def __init__(self, interval, function, args=None, kwargs=None):
                Thread.__init__(self)
                if args is None:
                    args = []
                if kwargs is None:
                    kwargs = {}
                self.interval = interval
                self.function = function
                self.args = args
                self.kwargs = kwargs
                self.finished = Event()

            def cancel(self):
                self.finished.set()

            def run(self):
                self.finished.wait(self.interval)
                if not self.finished.is_set():
                    _call(self.function, self.args, self.kwargs)
                self.finished.set()

        class _local:
            pass
        _make_thread_local(_local)
        local = _local

        def settrace(f):
            raise NotImplementedError("conclab's Python does not support threading.settrace")

        def setprofile(f):
            raise NotImplementedError("conclab's Python does not support threading.setprofile")
        """
}
