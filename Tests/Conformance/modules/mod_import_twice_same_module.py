import threading
import threading as t2
from threading import Lock
print(threading is t2)
print(threading.Lock is Lock)
