# An exception that ends a thread is reported on stderr; the main thread and the other threads go on.
import threading
results = []

def worker(n):
    if n == 2:
        raise ValueError("bad item " + str(n))
    results.append(n * n)

threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sorted(results), [t.is_alive() for t in threads])
print("main continues")
