import queue

q = queue.SimpleQueue()
q.put(1)
q.put(2)
print(q.qsize(), q.get(), q.get(), q.empty())
