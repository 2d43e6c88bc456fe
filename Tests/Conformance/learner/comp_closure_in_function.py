def table(n, scale):
    # The comprehension's variable and the function's parameter, both read by a nested lambda.
    return [lambda: i * scale for i in range(n)]
print([f() for f in table(3, 5)])
def counters(names):
    count = {}
    def bump(name):
        count[name] = count.get(name, 0) + 1
        return count[name]
    fs = [lambda: bump(nm) for nm in names]
    return [f() for f in fs], count
print(counters(["a", "b"]))
def outer():
    base = 100
    def inner(xs):
        return [sum(base + x * y for y in range(2)) for x in xs]
    return inner([1, 2, 3])
print(outer())
def nonlocal_use():
    total = 0
    def add(v):
        nonlocal total
        total += v
    [add(sum(x for x in range(k))) for k in range(5)]
    return total
print(nonlocal_use())
