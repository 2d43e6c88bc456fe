class Node:
    def __init__(self, name):
        self.name = name
a, b = Node("a"), Node("b")
graph = {a: [b], b: []}
seen = set()
seen.add(a); seen.add(a); seen.add(b)
print(len(graph), len(seen), a in seen, Node("a") in seen, graph[a][0].name)
class P:
    def __init__(self, x):
        self.x = x
    def __eq__(self, other):
        return self.x == other.x
try:
    {P(1)}
except TypeError as e:
    print("TypeError", e)
def f(): pass
import threading
print(len({f: 1, len: 2, Node: 3, threading.Lock(): 4}), hash("abc") == hash("abc"), hash((1, 2)) == hash((1, 2)), hash(a) == hash(a))
try:
    hash([1])
except TypeError as e:
    print("TypeError", e)
