import queue
q = queue.Queue()
q.get(timeout=-1)
