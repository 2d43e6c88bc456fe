import threading

results = []

def work(n):
    results.append(n * n)

threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sorted(results))
print(threading.current_thread().name)
