import threading

cond = threading.Condition()
with cond:
    print(cond.wait(timeout=0))
    print(cond.wait_for(lambda: False, timeout=0))
