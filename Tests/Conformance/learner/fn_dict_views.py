d = {"a": 1, "b": 2}
keys = d.keys()
print(keys)
print(d.values())
print(d.items())
d["c"] = 3
print(keys, len(keys))
print("a" in keys, 5 in d.values())
