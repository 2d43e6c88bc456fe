# For the same int seed, every function gives python3's numbers (the Mersenne Twister and random.py's algorithms).
import random
for s in [0, 1, 42, 12345, 2 ** 40]:
    random.seed(s)
    print("seed", s)
    print([random.random() for _ in range(20)])
    print([random.randint(1, 6) for _ in range(20)])
    print([random.randrange(100) for _ in range(20)], [random.randrange(-50, 50, 3) for _ in range(20)])
    print([random.choice("abcdefghij") for _ in range(20)])
    deck = list(range(20))
    random.shuffle(deck)
    print(deck)
    print(random.sample(range(1000), 20), random.sample(["x", "y", "z", "w"], 4))
    print([random.uniform(-1, 1) for _ in range(20)])
    print(random.choices(range(10), k=20))
    print([random.gauss(10, 2) for _ in range(20)])
    print([random.getrandbits(k) for k in range(1, 21)])
