import queue

q = queue.Queue(maxsize=1)
q.put("a")
print(q.full())
try:
    q.put_nowait("b")
except queue.Full:
    print("full")
try:
    q.put("b", timeout=0)
except queue.Full:
    print("still full")
q.get()
try:
    q.get_nowait()
except queue.Empty:
    print("empty")
try:
    q.get(block=False)
except queue.Empty:
    print("empty again")
