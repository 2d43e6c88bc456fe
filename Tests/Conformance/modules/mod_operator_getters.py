from operator import itemgetter, attrgetter, methodcaller

pairs = [(1, "banana"), (3, "apple"), (2, "cherry")]
print(sorted(pairs, key=itemgetter(1)), sorted(pairs, key=itemgetter(0), reverse=True))
print(itemgetter(0, 2)("abcd"), itemgetter("x")({"x": 10}))
print(itemgetter(1), itemgetter(1, "a"))

class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y
        self.inner = self

pts = [Point(3, 1), Point(1, 2), Point(2, 0)]
print([p.x for p in sorted(pts, key=attrgetter("x"))], attrgetter("x", "y")(pts[0]), attrgetter("inner.inner.y")(pts[1]))
print(attrgetter("x"), attrgetter("inner.x", "y"))
up = methodcaller("upper")
split2 = methodcaller("split", ",", maxsplit=1)
print(up("hi"), split2("a,b,c"), methodcaller("count", "a")("banana"))
print(methodcaller("split", ",", maxsplit=1), methodcaller("upper"))
attrgetter("z")(pts[0])
