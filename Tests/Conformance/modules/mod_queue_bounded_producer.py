import threading
import queue

q = queue.Queue(maxsize=2)
got = []

def producer():
    for i in range(6):
        q.put(i)
    q.put(None)

def consumer():
    while True:
        item = q.get()
        if item is None:
            return
        got.append(item)

p = threading.Thread(target=producer)
c = threading.Thread(target=consumer)
p.start(); c.start()
p.join(); c.join()
print(got)
