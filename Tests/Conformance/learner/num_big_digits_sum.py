n = 2 ** 1000
digits = str(n)
print(len(digits), sum(int(d) for d in digits))
print(digits[:10], digits[-10:])
