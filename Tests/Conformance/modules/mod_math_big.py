import math
print(math.factorial(25), math.lcm(2**40, 3**30), math.gcd(2**70, 2**65))
