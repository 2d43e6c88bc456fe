for x in (2.0, 2.5, -3.0, 1e20):
    print(x, x == int(x))
