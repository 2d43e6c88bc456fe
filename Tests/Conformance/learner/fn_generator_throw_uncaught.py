def simple():
    yield 1
    yield 2

g = simple()
next(g)
try:
    g.throw(KeyError("k"))
except KeyError as e:
    print("came back out:", repr(e))
print(list(g))
