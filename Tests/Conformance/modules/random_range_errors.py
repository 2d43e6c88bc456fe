# randrange and randint refuse empty ranges with python3's words; the last call raises.
import random
random.seed(1)
print(random.randrange(10, 20, 5), random.randrange(20, 10, -3), random.randint(-3, 3))
for args in [(0,), (5, 5), (1, 10, 0), (10, 1, 2)]:
    try:
        random.randrange(*args)
    except ValueError as e:
        print(args, "ValueError:", e)
try:
    random.choice([])
except IndexError as e:
    print("IndexError:", e)
try:
    random.getrandbits(-1)
except ValueError as e:
    print("ValueError:", e)
random.randint(5, 1)
