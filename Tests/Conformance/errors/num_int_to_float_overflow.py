print(float(2 ** 2000))
