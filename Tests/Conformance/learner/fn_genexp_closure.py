def scaled(values, factor):
    return list(v * factor for v in values)

print(scaled([1, 2, 3], 10))
