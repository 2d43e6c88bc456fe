import queue

q = queue.LifoQueue()
for x in "abc":
    q.put(x)
print(q.get(), q.get(), q.get())
