import threading
import queue

tasks = queue.Queue()
results = queue.Queue()

def worker():
    while True:
        n = tasks.get()
        if n is None:
            break
        results.put(n * n)
        tasks.task_done()

ws = [threading.Thread(target=worker) for _ in range(3)]
for w in ws:
    w.start()
for i in range(10):
    tasks.put(i)
tasks.join()
for _ in ws:
    tasks.put(None)
for w in ws:
    w.join()
out = []
while not results.empty():
    out.append(results.get())
print(sorted(out))
