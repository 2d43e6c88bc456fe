# pow(x, -e, m): the modular inverse, as CPython 3.8+.
print(pow(3, -1, 7), pow(38, -1, 97), pow(38, -1, -97), pow(2, -3, 11), pow(10, -2, 1), pow(-3, -1, 7), pow(7, -1, 2**61 - 1))
try:
    pow(2, -1, 4)
except ValueError as e:
    print(e)
