scale = 3
fs = [lambda x: x * scale for _ in range(2)]
print([f(2) for f in fs])
print([x * y for x in range(3) for y in range(2)])
