print(2j)
