from collections import Counter

c = Counter("mississippi")
print(c)
print(c.most_common(2))
print(c["s"], c["x"])
c.update("ss")
print(c["s"], sum(c.values()), len(c))
