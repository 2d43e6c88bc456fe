import threading

sem = threading.Semaphore(2)
inside = []
peak = []
lock = threading.Lock()
go = threading.Event()

def enter(i):
    with sem:
        with lock:
            inside.append(i)
            peak.append(len(inside))
        go.wait()
        with lock:
            inside.remove(i)

ts = [threading.Thread(target=enter, args=(i,)) for i in range(5)]
for t in ts:
    t.start()
go.set()
for t in ts:
    t.join()
print(max(peak) <= 2, len(peak))
