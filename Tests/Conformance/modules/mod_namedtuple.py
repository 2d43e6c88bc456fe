from collections import namedtuple

Point = namedtuple("Point", ["x", "y"])
p = Point(1, 2)
print(p)
print(p.x + p.y, p[0], len(p))
x, y = p
print(x, y)
q = Point(y=5, x=3)
print(q, q._asdict())
