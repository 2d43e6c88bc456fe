a = [1, 2]
b = (3, 4)
print([*a, *b, 5])
print((0, *a))
print({*a, *b})
