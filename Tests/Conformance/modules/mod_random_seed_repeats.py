import random

random.seed(7)
first = [random.randint(0, 1000) for _ in range(5)]
random.seed(7)
second = [random.randint(0, 1000) for _ in range(5)]
print(first == second)
try:
    random.choice([])
except IndexError as e:
    print(e)
