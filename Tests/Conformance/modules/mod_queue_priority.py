import queue

q = queue.PriorityQueue()
q.put((3, "low"))
q.put((1, "high"))
q.put((2, "mid"))
while not q.empty():
    print(q.get())
