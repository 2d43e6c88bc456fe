import threading

log = []
barrier = threading.Barrier(2, action=lambda: log.append("all arrived"))

def party():
    barrier.wait()

ts = [threading.Thread(target=party) for _ in range(2)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(log)
