def gen():
    print("started")
    yield 1

g = gen()
g.close()
print(list(g))
