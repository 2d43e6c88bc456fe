class Config:
    factor = 2
    ok = [n for n in range(factor)]
    print("ok", ok)
    # Beyond the first iterable, a comprehension in a class body does not see the class's names.
    scaled = [n * factor for n in range(3)]
