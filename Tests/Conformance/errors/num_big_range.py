for i in range(2 ** 70):
    print(i)
    break
