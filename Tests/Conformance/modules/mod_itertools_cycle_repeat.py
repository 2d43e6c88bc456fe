import itertools

colors = itertools.cycle(["red", "green"])
print([next(colors) for _ in range(5)])
print(list(itertools.repeat("x", 3)))
print(list(itertools.islice(itertools.repeat(7), 2)))
