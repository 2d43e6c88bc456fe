import sys

x = []
before = sys.getrefcount(x)
y = x
print(sys.getrefcount(x) - before)
del y
print(sys.getrefcount(x) == before)
