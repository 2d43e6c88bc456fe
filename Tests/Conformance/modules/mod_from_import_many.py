from collections import deque, Counter, defaultdict
from itertools import count, islice
d = deque()
d.append(1)
d.appendleft(0)
print(list(d))
print(list(islice(count(10), 3)))
c = Counter("banana")
print(c["a"], c["z"])
dd = defaultdict(list)
dd["x"].append(1)
print(dict(dd.items()))
