def inner():
    received = []
    while len(received) < 3:
        x = yield len(received)
        received.append(x)
    return received

def outer():
    got = yield from inner()
    yield "got " + str(got)

g = outer()
print(next(g))
print(g.send("a"))
print(g.send("b"))
print(g.send("c"))
