import threading
r = threading.RLock()
r.release()
