def worker_count():
    import threading
    from collections import deque
    d = deque([1, 2, 3])
    return threading.active_count(), len(d)

print(worker_count())
