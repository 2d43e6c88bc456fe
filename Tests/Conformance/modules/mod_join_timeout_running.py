import threading

stop = threading.Event()

def wait_long():
    stop.wait()

t = threading.Thread(target=wait_long)
t.start()
t.join(0)
print("still alive after join(0):", t.is_alive())
stop.set()
t.join()
print("alive after join():", t.is_alive())
