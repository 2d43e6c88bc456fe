import threading

go = threading.Event()

def hold():
    go.wait()

print(threading.active_count())
ts = [threading.Thread(target=hold) for _ in range(3)]
for t in ts:
    t.start()
print(threading.active_count())
go.set()
for t in ts:
    t.join()
print(threading.active_count())
