gens = [(10 // (x - k) for x in range(3)) for k in range(3)]
print(next(gens[0]), next(gens[1]))
# Every generator reads k at its last value, 2: 10 // (2 - 2) fails.
print(list(gens[2]))
