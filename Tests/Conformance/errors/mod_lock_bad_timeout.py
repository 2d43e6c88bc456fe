import threading
threading.Lock().acquire(timeout=-3)
