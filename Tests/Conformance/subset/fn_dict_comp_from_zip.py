names = ["a", "b", "c"]
nums = [1, 2, 3]
print(dict(zip(names, nums)))
print({n: i for i, n in enumerate(names)})
