# namedtuple defaults= and _make.
from collections import namedtuple
Point3 = namedtuple("Point3", "x y z", defaults=[0, 1])
print(Point3(5), Point3(5, 6), Point3(5, 6, 7), Point3(x=1, z=9))
print(Point3._field_defaults)
Pair = namedtuple("Pair", ["left", "right"])
print(Pair._make([1, 2]), Pair._make("ab"))
try:
    Pair(1)
except TypeError as e:
    print(e)
