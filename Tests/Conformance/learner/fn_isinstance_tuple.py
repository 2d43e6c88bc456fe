values = [1, "two", [3], (4,), {5: 5}]
for v in values:
    print(isinstance(v, (int, str)), isinstance(v, (list, tuple)))
