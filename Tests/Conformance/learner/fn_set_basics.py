s = {3, 1, 2}
s.add(5)
s.add(1)
print(s, len(s))
print(2 in s, 4 in s)
s.remove(3)
s.discard(100)
print(sorted(s))
