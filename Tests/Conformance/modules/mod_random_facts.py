import random

random.seed(42)
rolls = [random.randint(1, 6) for _ in range(100)]
print(min(rolls) >= 1 and max(rolls) <= 6)
items = list(range(10))
random.shuffle(items)
print(sorted(items) == list(range(10)))
print(random.choice(["only"]))
print(len(random.sample(range(100), 5)))
print(0 <= random.randrange(10) < 10)
