from collections import deque, namedtuple, OrderedDict, defaultdict, Counter

Pair = namedtuple("Pair", "left right")

def what(v):
    match v:
        case Pair(l, r):
            return f"pair {l} {r}"
        case [a, b, *_]:
            return f"sequence {a} {b}"
        case {"a": a, **rest}:
            return f"mapping a={a} rest={dict(rest)}"
        case _:
            return "other"

print(what(Pair(1, 2)))
print(what(deque([7, 8, 9])))
print(what(OrderedDict([("a", 1), ("b", 2)])))
d = defaultdict(int)
d["a"] = 5
print(what(d))
print(what(Counter("aab")))
print(what(deque()))

match Pair(3, 4):
    case (x, y):
        print("a namedtuple is a sequence", x, y)
match Pair(left=1, right=2):
    case Pair(right=r):
        print("by keyword", r)
