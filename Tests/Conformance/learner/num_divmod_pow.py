print(divmod(17, 5), divmod(-17, 5), divmod(17, -5))
print(divmod(7.5, 2), divmod(-7.5, 2))
print(pow(2, 10), pow(3, 200, 7), pow(2, 100, 10**9 + 7), pow(2, -2))
