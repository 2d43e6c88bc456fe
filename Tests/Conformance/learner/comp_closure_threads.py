import threading
# Threads started from a comprehension, each target a lambda over the comprehension's variable.
results = []
lock = threading.Lock()
def record(v):
    with lock:
        results.append(v)
threads = [threading.Thread(target=lambda i=i: record(i * i)) for i in range(5)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sorted(results))
# Late binding: each thread runs after the comprehension has finished, so all see the last value.
results.clear()
threads = [threading.Thread(target=lambda: record(i)) for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sorted(results))
# A generator expression inside the thread's target reads the comprehension's variable.
totals = {}
def run(k):
    totals[k] = sum(x * k for x in range(4))
ts = [threading.Thread(target=run, args=(k,)) for k in range(3)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(sorted(totals.items()))
