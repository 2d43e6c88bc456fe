import threading
s = threading.BoundedSemaphore(1)
s.release()
