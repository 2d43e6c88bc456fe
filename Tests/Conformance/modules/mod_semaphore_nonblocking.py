import threading

s = threading.Semaphore(1)
print(s.acquire(blocking=False))
print(s.acquire(blocking=False))
s.release()
print(s.acquire(timeout=0))
try:
    threading.Semaphore(-1)
except ValueError as e:
    print(e)
