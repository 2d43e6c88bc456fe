import threading

fired = []
t = threading.Timer(0, fired.append, args=["tick"])
t.start()
t.join()
print(fired)
c = threading.Timer(1, fired.append, args=["never"])
c.start()
c.cancel()
c.join()
print(fired)
