import threading

total = 0
lock = threading.Lock()

def add(n):
    global total
    for i in range(n):
        with lock:
            total += 1

threads = [threading.Thread(target=add, args=(1000,)) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("total", total)
