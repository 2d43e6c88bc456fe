for x in (2.0, 2.5, -3.0, 1e20, float("inf"), float("nan")):
    print(x, x.is_integer())
print((7 / 2).is_integer(), (8 / 2).is_integer(), 1.5.is_integer())
