values = [1, 2, 3]
for v in iter(values, 2):
    print(v)
