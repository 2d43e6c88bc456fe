rows = [("ann", 3.14159), ("bob", 2.5)]
for name, value in rows:
    print("{:>{}}|{:.{}f}|".format(name, 6, value, 2))
print("{0:>{1}}|{2:^{1}}|".format("r", 5, "c"))
print("{x:{fill}<{w}}".format(x="ab", fill="*", w=6))
