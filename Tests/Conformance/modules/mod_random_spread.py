import random
values = [random.random() for _ in range(200)]
print(len(set(values)) > 190, min(values) >= 0, max(values) < 1)
print(sum(values) / len(values) > 0.3, sum(values) / len(values) < 0.7)
u = [random.uniform(5, 10) for _ in range(100)]
print(all(5 <= x <= 10 for x in u), len(set(u)) > 90)
