# Seeds past 64 bits use every bit; negative ints use their size; float seeds go through hash().
import random
for s in [2 ** 64, 2 ** 100 + 12345, -42, 3.5, -2.25, 0.1, True]:
    random.seed(s)
    print(s, random.random(), random.randint(0, 10 ** 6), random.getrandbits(100))
random.seed(10)
print(random.randrange(10 ** 30), random.randrange(2 ** 64, 2 ** 65, 7), random.getrandbits(0), random.getrandbits(33))
