data = [3.5, -2, 7, 0.25]
print(abs(-2.5), abs(-3), abs(-2**70))
print(min(data), max(data), sum(data))
print(sum([0.1] * 10), sum([1, 2, 3], 0.5))
print(max(1, 1.0), min(1.0, 1))
