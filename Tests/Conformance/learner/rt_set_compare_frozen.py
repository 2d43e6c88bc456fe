# Set comparisons, isdisjoint and frozenset.
a, b = {1, 2}, {1, 2, 3}
print(a <= b, a < b, b >= a, b > a, a < a, a <= a, b <= a, a > b)
print(a.isdisjoint({3, 4}), a.isdisjoint([2]), a.issubset(b), b.issuperset(a))
f = frozenset([3, 1, 2, 1])
print(f, frozenset(), len(f), 2 in f, type(f).__name__)
print(f == {1, 2, 3}, {1, 2, 3} == f, f <= b, f | {9}, {0} | f)
print(f & {1, 5}, f - {1}, f ^ {1, 7})
print(isinstance(f, frozenset), isinstance(f, set), isinstance({1}, frozenset))
groups = {frozenset({1, 2}): "pair", frozenset(): "empty"}
print(groups[frozenset([2, 1])], groups[frozenset()])
nested = {frozenset({1}), frozenset({1}), frozenset({2})}
print(len(nested))
g = f
g |= {10}
print(sorted(g), sorted(f), g is f)
print(f.union([4]), f.copy() == f, f.intersection({1, 2, 8}))
try:
    f.add(4)
except AttributeError as e:
    print(e)
try:
    {1} < [1]
except TypeError as e:
    print(e)
