def point(x, y, z):
    return x * 100 + y * 10 + z

coords = [1, 2, 3]
print(point(*coords))
print(point(1, *[2, 3]))
print(point(*[1], *[2], 3))
