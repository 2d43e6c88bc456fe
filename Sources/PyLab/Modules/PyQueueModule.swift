import LabCore

/// `queue`: CPython's design (one mutex, three conditions on it), in Python on top of conclab's `threading`.
package enum QueueModule {
    package static let definition = ModuleDefinition("queue", source: """
        import threading

        class Empty(Exception):
            pass

        class Full(Exception):
            pass

        def _check_timeout(timeout):
            if timeout is not None and timeout < 0:
                raise ValueError("'timeout' must be a non-negative number")
            return threading._deadline(timeout)

        class Queue:
            def __init__(self, maxsize=0):
                self.maxsize = maxsize
                self._init(maxsize)
                self.mutex = threading.Lock()
                self.not_empty = threading.Condition(self.mutex)
                self.not_full = threading.Condition(self.mutex)
                self.all_tasks_done = threading.Condition(self.mutex)
                self.unfinished_tasks = 0

            def _init(self, maxsize):
                self.queue = []

            def _qsize(self):
                return len(self.queue)

            def _put(self, item):
                self.queue.append(item)

            def _get(self):
                return self.queue.pop(0)

            def task_done(self):
                with self.all_tasks_done:
                    unfinished = self.unfinished_tasks - 1
                    if unfinished <= 0:
                        if unfinished < 0:
                            raise ValueError("task_done() called too many times")
                        self.all_tasks_done.notify_all()
                    self.unfinished_tasks = unfinished

            def join(self):
                with self.all_tasks_done:
                    while self.unfinished_tasks:
                        self.all_tasks_done.wait()

            def qsize(self):
                with self.mutex:
                    return self._qsize()

            def empty(self):
                with self.mutex:
                    return not self._qsize()

            def full(self):
                with self.mutex:
                    return 0 < self.maxsize <= self._qsize()

            def put(self, item, block=True, timeout=None):
                with self.not_full:
                    if self.maxsize > 0:
                        if not block:
                            if self._qsize() >= self.maxsize:
                                raise Full
                        else:
                            deadline = _check_timeout(timeout)
                            while self._qsize() >= self.maxsize:
                                if deadline is not None and threading._expired(deadline):
                                    raise Full
                                self.not_full._wait_until(deadline)
                    self._put(item)
                    self.unfinished_tasks += 1
                    self.not_empty.notify()

            def get(self, block=True, timeout=None):
                with self.not_empty:
                    if not block:
                        if not self._qsize():
                            raise Empty
                    else:
                        deadline = _check_timeout(timeout)
                        while not self._qsize():
                            if deadline is not None and threading._expired(deadline):
                                raise Empty
                            self.not_empty._wait_until(deadline)
                    item = self._get()
                    self.not_full.notify()
                    return item

            def put_nowait(self, item):
                return self.put(item, False)

            def get_nowait(self):
                return self.get(False)

        class LifoQueue(Queue):
            def _get(self):
                return self.queue.pop()

        class PriorityQueue(Queue):
            def _put(self, item):
                i = len(self.queue)
                while i > 0 and item < self.queue[i - 1]:
                    i -= 1
                self.queue.insert(i, item)

        class SimpleQueue(Queue):
            def __init__(self):
                Queue.__init__(self, 0)
        """)
}
