from itertools import groupby, combinations, permutations
print([(k, list(g)) for k, g in groupby("aaabbcaa")])
print([(k, len(list(g))) for k, g in groupby([1, 3, 2, 4, 5], key=lambda v: v % 2)])
groups = list(groupby("aabbb"))
print([(k, list(g)) for k, g in groups])
it = groupby([1, 1, 2, 2, 2, 3])
k1, g1 = next(it)
print(k1, next(g1))
k2, g2 = next(it)
print(k2, list(g1), list(g2))
print([k for k, g in groupby([])], [k for k, g in groupby([None, None, 0])])
words = sorted(["apple", "avocado", "banana", "blueberry", "cherry"], key=lambda w: w[0])
for letter, group in groupby(words, key=lambda w: w[0]):
    print(letter, list(group))
g = groupby("xy")
print(next(g)[0], next(g)[0], next(g, "done"))
try:
    list(combinations([1, 2], -1))
except ValueError as e:
    print("ValueError:", e)
print(list(permutations([1, 2], 3)), list(combinations([1, 2], 3)))
list(permutations([1, 2], -2))
