import queue
q = queue.Queue()
q.task_done()
