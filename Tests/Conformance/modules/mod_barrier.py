import threading

barrier = threading.Barrier(3)
indexes = []
lock = threading.Lock()

def party():
    i = barrier.wait()
    with lock:
        indexes.append(i)

ts = [threading.Thread(target=party) for _ in range(3)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(sorted(indexes), barrier.parties, barrier.n_waiting, barrier.broken)
