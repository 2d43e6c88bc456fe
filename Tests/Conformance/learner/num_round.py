for x in (0.5, 1.5, 2.5, 3.5, -0.5, -1.5, 2.675):
    print(x, round(x), round(x, 1), round(x, 2))
print(round(1234.5678, -2), round(1234, -2), round(1250, -2), round(1350, -2))
print(type(round(2.5)) == int, type(round(2.5, 0)) == float)
