s = {1, 2}
s |= {3}
print(s)
s -= {1}
print(s)
s.update([7, 8])
print(sorted(s))
print({1, 2}.issubset([1, 2, 3]), {1, 2, 3}.issuperset({2}))
