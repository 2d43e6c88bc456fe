import threading

lock = threading.RLock()

def outer():
    with lock:
        return inner() + 1

def inner():
    with lock:
        return 41

print(outer())
lock.acquire()
lock.acquire()
lock.release()
lock.release()
try:
    lock.release()
except RuntimeError as e:
    print(e)
