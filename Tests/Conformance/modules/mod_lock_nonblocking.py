import threading

lock = threading.Lock()
print(lock.acquire(blocking=False))
print(lock.acquire(blocking=False))
print(lock.locked())
lock.release()
print(lock.locked())
try:
    lock.release()
except RuntimeError as e:
    print("RuntimeError:", e)
