import threading

names = []

def who():
    names.append(threading.current_thread().name)

threads = [threading.Thread(target=who, name="worker-" + str(i)) for i in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sorted(names))
print(threading.current_thread().name)
print(threading.main_thread().name)
