def calc(n):
    return eval("n * 2")
print(calc(4))
