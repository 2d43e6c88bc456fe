n = 2 ** 70
print(n + 1, n - 1, n * 3, n // 3, n % 1000)
print(n > 5, 5 < n, n == 2 ** 70, n != n + 1)
print(-n // 7, -n % 7, n // -7)
print(n / 2, n >> 3, n << 2, n & 0xFFFF, n | 1)
