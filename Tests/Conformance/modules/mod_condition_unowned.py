import threading

cond = threading.Condition(threading.Lock())
try:
    cond.wait()
except RuntimeError as e:
    print(e)
try:
    cond.notify()
except RuntimeError as e:
    print(e)
