# Several context managers in one with: entered left to right, left in the reverse order.
class Resource:
    def __init__(self, name):
        self.name = name
    def __enter__(self):
        print("open", self.name)
        return self.name.upper()
    def __exit__(self, kind, value, tb):
        print("close", self.name, kind.__name__ if kind else None)
        return False
with Resource("a") as a, Resource("b") as b:
    print("using", a, b)
with (Resource("x") as x,
      Resource("y") as y,):
    print("using", x, y)
try:
    with Resource("p"), Resource("q"):
        raise ValueError("inside")
except ValueError as e:
    print("caught", e)
import threading
first, second = threading.Lock(), threading.Lock()
with first, second:
    print(first.locked(), second.locked())
print(first.locked(), second.locked())
