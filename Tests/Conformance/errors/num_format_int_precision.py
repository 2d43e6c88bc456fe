print(format(42, ".2"))
