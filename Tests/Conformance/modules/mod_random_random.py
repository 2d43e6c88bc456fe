import random
x = random.random()
print(0 <= x < 1)
