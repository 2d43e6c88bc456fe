# Tuple and list repetition; list += any iterable.
print((0,) * 3, 3 * (0,), (1, 2) * 0, (1, 2) * -1, [1] * 2, 2 * ["a"])
grid = [[0] * 3 for _ in range(2)]
print(grid)
row = ("-",) * 4
print("".join(row))
letters = []
letters += "abc"
letters += range(2)
letters += (9,)
letters += {"k": 1}
letters += {5}
print(letters)
t = (1,)
t *= 3
print(t)
try:
    letters += 5
except TypeError as e:
    print(e)
try:
    (1,) * "2"
except TypeError as e:
    print(e)
