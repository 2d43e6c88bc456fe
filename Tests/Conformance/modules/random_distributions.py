# gauss keeps its second value for the next call; normalvariate, triangular, expovariate and paretovariate.
import random
random.seed(2024)
print([round(random.gauss(), 12) for _ in range(6)])
random.seed(2024)
print(random.gauss(100, 15), random.gauss(100, 15))
print(random.normalvariate(0, 1), random.normalvariate(5, 0.5))
print(random.triangular(), random.triangular(0, 10, 8), random.triangular(1, 1))
print(random.expovariate(1.5), random.paretovariate(3))
print(random.uniform(5, 1))
print(random.lognormvariate(0, 0.5), random.weibullvariate(2, 1.5), random.randbytes(5), random.randbytes(0))
