def multiplier(factor):
    return lambda x: x * factor

double = multiplier(2)
triple = multiplier(3)
print(double(7), triple(7))
print(list(map(double, [1, 2, 3])))
