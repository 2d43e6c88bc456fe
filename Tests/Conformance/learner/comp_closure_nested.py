# Nested comprehensions whose inner generator expression reads the outer comprehension's variable.
grid = [[(lambda: (r, c))() for c in range(3)] for r in range(2)]
print(grid)
print([[sum(x for x in range(r) if x % c == 0) for c in (1, 2)] for r in range(5)])
print([list(y + i for y in range(j)) for i in range(3) for j in range(i)])
# An inner lambda that reads both loop variables: made now, called later.
fs = [[lambda: r * 10 + c for c in range(2)] for r in range(2)]
print([[f() for f in row] for row in fs])
# A generator expression inside a generator expression, each reading the other's variable.
print(list(sum(a * b for b in range(a)) for a in range(5)))
print([tuple(tuple(i + j + k for k in range(2)) for j in range(2)) for i in range(2)])
