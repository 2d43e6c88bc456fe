def gen():
    yield 1

g = gen()
print(list(g), list(g))
it = iter([1, 2])
print(next(it), next(it), next(it, "end"))
