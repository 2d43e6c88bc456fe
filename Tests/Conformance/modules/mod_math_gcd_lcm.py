import math
print(math.gcd(12, 18), math.lcm(4, 6), math.gcd(), math.lcm(), math.gcd(-4, 6), math.lcm(-4, 6), math.factorial(0))
