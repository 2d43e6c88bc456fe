import threading
data = threading.local()
data.name = "main"
seen = []
lock = threading.Lock()
def work(n):
    print_missing = not hasattr(data, "name")
    data.name = "worker-" + str(n)
    data.count = n * 10
    with lock:
        seen.append((n, print_missing, data.name, data.count))
threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
for t in threads: t.start()
for t in threads: t.join()
print(sorted(seen))
print(data.name, hasattr(data, "count"))
try:
    data.count
except AttributeError as e:
    print("AttributeError in the main thread")
del data.name
print(hasattr(data, "name"), type(data).__name__)
class Counter(threading.local):
    def bump(self):
        self.n = getattr(self, "n", 0) + 1
        return self.n
c = Counter()
print(c.bump(), c.bump())
def other():
    print("other thread", c.bump())
t = threading.Thread(target=other); t.start(); t.join()
print(c.bump())
