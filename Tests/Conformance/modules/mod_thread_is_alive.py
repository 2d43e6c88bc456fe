import threading

ev = threading.Event()

def wait_for_go():
    ev.wait()

t = threading.Thread(target=wait_for_go)
print("before start:", t.is_alive())
t.start()
print("running:", t.is_alive())
ev.set()
t.join()
print("after join:", t.is_alive())
