print(2 ** 100 % 0)
