from itertools import tee, count, islice

a, b = tee(islice(count(), 4))
print(list(a))
print(list(b))
