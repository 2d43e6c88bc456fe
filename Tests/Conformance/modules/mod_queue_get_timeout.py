import queue

q = queue.Queue()
try:
    q.get(timeout=0)
except queue.Empty:
    print("nothing within the timeout")
try:
    q.get(timeout=-1)
except ValueError as e:
    print(e)
