def power(base, exp, /):
    return base ** exp
print(power(2, 10))
print(power(base=2, exp=3))
