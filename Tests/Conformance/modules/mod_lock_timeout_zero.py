import threading

lock = threading.Lock()
lock.acquire()
print(lock.acquire(timeout=0))
try:
    lock.acquire(timeout=-5)
except ValueError as e:
    print("ValueError:", e)
try:
    lock.acquire(False, 1)
except ValueError as e:
    print("ValueError:", e)
