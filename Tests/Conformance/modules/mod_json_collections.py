import json
from collections import Counter, OrderedDict, defaultdict, namedtuple, deque
P = namedtuple("P", "x y")
dd = defaultdict(int); dd["k"] += 2
print(json.dumps({"c": Counter("aab"), "o": OrderedDict([("z", 1)]), "d": dd, "p": P(1, 2), "l": [P(3, 4)]}))
print(json.dumps(P(5, 6), indent=1))
try:
    json.dumps(deque([1]))
except TypeError as e:
    print(e)
