import sys

print(sys.getsizeof(1), sys.getsizeof(2**40))
print(sys.getsizeof(""), sys.getsizeof("abc"))
print(sys.getsizeof(()), sys.getsizeof((1, 2, 3)))
print(sys.getsizeof([]), sys.getsizeof({}), sys.getsizeof(None))
