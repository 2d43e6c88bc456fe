for v in (1, 1.0, 2 ** 80, True, "1"):
    print(repr(v), isinstance(v, int), isinstance(v, float), isinstance(v, (int, float)), type(v) == int, type(v) == bool)
