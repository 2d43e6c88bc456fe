import sys
print(sys.getsizeof([1, 2, 3]))
