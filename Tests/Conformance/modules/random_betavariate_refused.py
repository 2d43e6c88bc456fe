# betavariate is not in conclab's random: it refuses in words rather than give other numbers than python3's.
import random
random.seed(4)
print(random.random())
print(random.betavariate(2, 3))
