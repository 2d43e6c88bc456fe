a = -(2 ** 80)
print(a // 3, a % 3, a // -3, a % -3, divmod(a, 7))
print(a >> 5, a << 1, ~a, -a, abs(a), a & 0xFF, a | 1, a ^ -1)
