def f():
    i = 10
    g = lambda: i
    fs = [lambda: i for i in range(3)]
    return [h() for h in fs], g(), [i for i in range(2)], i
print(f())
def outer(n):
    def inner():
        return [[lambda: (a, b, n) for b in range(a)] for a in range(n)]
    return [[h() for h in row] for row in inner()]
print(outer(3))
x = 5
print([(lambda: x + y)() for y in range(3)])
class K:
    base = 2
    table = {k: [v * 2 for v in range(k)] for k in range(base + 1)}
    fns = [lambda v=v: v for v in range(base)]
print(K.table, [f() for f in K.fns])
print(sorted({tuple(j for j in range(i)) for i in range(3)}, key=len))
def gen():
    for k in range(3):
        yield [lambda: k for _ in range(2)]
print([[f() for f in fs] for fs in gen()])
def counter():
    c = 0
    def bump():
        nonlocal c
        c += 1
        return c
    return [bump() for _ in range(3)] + [(lambda: bump())() for _ in range(2)]
print(counter())
data = {"a": [3, 1], "b": [2]}
print({k: sorted(v, key=lambda t: -t + len(k)) for k, v in data.items()})
print([[y for y in (lambda: range(x))()] for x in range(3)])
try:
    print([(lambda: undefined_name + i)() for i in range(1)])
except NameError as e:
    print("NameError", e)
