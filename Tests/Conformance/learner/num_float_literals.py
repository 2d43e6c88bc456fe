values = [1.5, 1e-3, .5, 1_000.0, 2., 1E10, 3.0e+2]
for v in values:
    print(v, type(v) == float, type(v) == int)
