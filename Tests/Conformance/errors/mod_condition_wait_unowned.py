import threading
c = threading.Condition()
c.wait()
