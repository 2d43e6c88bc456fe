print(7 // 2, -7 // 2, 7 % 3, -7 % 3, 2 ** 10)
print(abs(-5), max(3, 9, 4), min([4, 2, 8]), sum(range(10)))
