from itertools import count, islice

print(list(islice(count(), 5)))
print(list(islice(count(10, 5), 3)))
print(list(islice(range(20), 2, 10, 3)))
