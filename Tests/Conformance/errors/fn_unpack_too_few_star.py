a, b, *c = [1]
print(a, b, c)
