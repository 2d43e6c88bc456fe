import math

print(math.gcd(12, 18), math.lcm(4, 6))
print(math.factorial(10), math.isqrt(99))
print(math.comb(5, 2), math.perm(5, 2), math.prod([1, 2, 3, 4]))
try:
    math.factorial(-1)
except ValueError as e:
    print(e)
