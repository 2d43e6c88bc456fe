# sample picks from a pool for small populations and tracks picks in a set for large ones; counts repeat items.
import random
random.seed(77)
print(random.sample(range(30), 6))
print(random.sample(range(10 ** 6), 10))
print(random.sample("conclab", 7))
print(random.sample(["a", "b"], counts=[3, 2], k=5))
print(random.sample((1, 2, 3), 0))
try:
    random.sample({1, 2, 3}, 2)
except TypeError as e:
    print("TypeError:", e)
try:
    random.sample([1, 2], 3)
except ValueError as e:
    print("ValueError:", e)
