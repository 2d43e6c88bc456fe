import threading

t = threading.Thread(target=len, args=([],))
t.start()
t.join()
try:
    t.start()
except RuntimeError as e:
    print("RuntimeError:", e)
