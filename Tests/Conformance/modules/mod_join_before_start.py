import threading

t = threading.Thread(target=print)
try:
    t.join()
except RuntimeError as e:
    print(e)
try:
    threading.current_thread().join()
except RuntimeError as e:
    print(e)
