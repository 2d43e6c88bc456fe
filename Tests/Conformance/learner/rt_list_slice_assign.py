# Slice assignment and deletion on lists.
a = [1, 2, 3, 4]
a[1:3] = [9]
del a[:1]
print(a)
a = list(range(10))
a[::2] = "abcde"
print(a)
del a[::3]
print(a)
a[2:2] = (7, 8)
print(a)
a[:] = []
print(a, len(a))
a = [1, 2, 3]
a[5:1] = [0]
print(a)
a[-2:] = range(3)
print(a)
a[::-1] = [10, 20, 30, 40, 50]
print(a)
a[1:4] = []
print(a)
b = a
b[:] = b + b
print(a, a is b)
del a[-1:-10:-2]
print(a)
del a[:]
print(a)
try:
    a = [0] * 5
    a[::2] = [1, 2]
except ValueError as e:
    print(e)
try:
    a[1:2] = 5
except TypeError as e:
    print(e)
try:
    a[::2] = 5
except TypeError as e:
    print(e)
t = (1, 2, 3)
try:
    t[0:1] = [5]
except TypeError as e:
    print(e)
