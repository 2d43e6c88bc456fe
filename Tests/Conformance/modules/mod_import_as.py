import threading as th
import collections as col
from queue import Queue as Q, Empty
print(th.__name__, col.__name__)
q = Q()
q.put(5)
print(q.get())
print(Empty.__name__)
