class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y
    def __eq__(self, other):
        return isinstance(other, Point) and (self.x, self.y) == (other.x, other.y)
    def __hash__(self):
        return hash((self.x, self.y))
    def __repr__(self):
        return f"Point({self.x}, {self.y})"
pts = {Point(1, 2), Point(1, 2), Point(3, 4)}
print(len(pts), Point(1, 2) in pts, Point(9, 9) in pts)
d = {Point(0, 0): "origin"}
d[Point(0, 0)] = "again"
print(d, d[Point(0, 0)], hash(Point(1, 2)) == hash((1, 2)))
class Base:
    def __hash__(self): return 7
class NoHash(Base):
    def __eq__(self, o): return True
try:
    {NoHash()}
except TypeError as e:
    print("TypeError:", e)
class Same:
    def __eq__(self, o): return True
    def __hash__(self): return 1
print(len({Same(), Same()}), hash(Same()))
class Bad:
    def __hash__(self): return "x"
try:
    hash(Bad())
except TypeError as e:
    print("TypeError:", e)
class Off:
    __hash__ = None
try:
    {Off()}
except TypeError as e:
    print("TypeError:", e)
