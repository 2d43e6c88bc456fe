a = 3
b = 0.5
print(a + b, a - b, a * b, a / b, a // b, a % b, a ** b)
a += 1.5
print(a, type(a) == float)
a *= 2
print(a, int(a))
