import math
print(math.comb(100, 50), math.perm(30, 20), math.comb(5, 2), math.perm(5))
