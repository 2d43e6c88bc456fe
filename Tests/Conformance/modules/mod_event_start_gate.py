import threading

start = threading.Event()
order = []
lock = threading.Lock()

def runner(name):
    start.wait()
    with lock:
        order.append(name)

ts = [threading.Thread(target=runner, args=(n,)) for n in "abc"]
for t in ts:
    t.start()
print("released:", len(order))
start.set()
for t in ts:
    t.join()
print(sorted(order))
