# Generator expressions made in a comprehension and consumed afterwards: each keeps its own first iterable,
# and what it reads of the comprehension's variable is the cell, at its last value by the time it runs.
gens = [(x * k for x in range(3)) for k in range(1, 4)]
print([list(g) for g in gens])
rows = [[1, 2], [3, 4], [5, 6]]
gens = [(v for v in row) for row in rows]
print([list(g) for g in gens])
gens = [(v + i for v in row) for i, row in enumerate(rows)]
print([list(g) for g in gens])
# Consumed one item at a time, interleaved.
gs = [(k * 100 + n for n in range(2)) for k in range(2)]
print(next(gs[0]), next(gs[1]), next(gs[0]), next(gs[1]))
