import threading
data = [[1, 2, 3], [4, 5], [6]]
sums = [0] * len(data)
def work(i, row):
    sums[i] = sum(v * (i + 1) for v in row)
threads = [threading.Thread(target=lambda i=i, row=row: work(i, row)) for i, row in enumerate(data)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sums)
# Targets that close over a generator made in the comprehension.
out = []
lock = threading.Lock()
gens = [(x + k for x in range(3)) for k in (10, 20)]
def drain(g):
    items = list(g)
    with lock:
        out.append(items)
ts = [threading.Thread(target=lambda g=g: drain(g)) for g in gens]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(sorted(out))
