big = 2 ** 62
print(big + big, big * 2 - 1, -big - big, -big - big - 1)
x = 9223372036854775807
print(x + 1, x * x, -x - 1, -x - 2)
print((x + 1) - 1 == x, type(x + 1) == int)
