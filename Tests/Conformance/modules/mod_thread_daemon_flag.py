import threading

t = threading.Thread(target=print, args=("in thread",), daemon=True)
print(t.daemon)
u = threading.Thread(target=print, args=("other",))
print(u.daemon)
t.start()
t.join()
u.start()
u.join()
