from functools import reduce

print(reduce(lambda a, b: a + b, [1, 2, 3, 4]))
print(reduce(lambda a, b: a * b, range(1, 6), 1))
try:
    reduce(lambda a, b: a + b, [])
except TypeError as e:
    print(e)
