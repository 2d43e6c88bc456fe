counts = {"a": 1}
print(counts["a"])
print(counts["b"])
