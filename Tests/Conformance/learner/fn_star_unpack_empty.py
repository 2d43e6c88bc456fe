head, *tail = [1]
print(head, tail)
x, *y, z = (1, 2)
print(x, y, z)
