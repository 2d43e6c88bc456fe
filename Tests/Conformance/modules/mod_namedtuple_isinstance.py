from collections import namedtuple
Point = namedtuple('Point', ['x', 'y'])
p = Point(1, 2)
q = Point(x=3, y=4)
print(p, q, isinstance(p, Point), p.x + q.y)
print(p._asdict())
