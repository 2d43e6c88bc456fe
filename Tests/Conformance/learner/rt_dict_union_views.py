# dict | and |=, and set operations on dict views.
base = {"a": 1, "b": 2}
extra = {"b": 20, "c": 30}
print(base | extra, extra | base)
merged = base
merged |= extra
print(base, merged is base)
d = {"x": 1, "y": 2, "z": 3}
print(sorted(d.keys() & {"x", "z", "w"}))
print(sorted(d.keys() | {"w"}))
print(sorted(d.keys() - {"x"}))
print(sorted(d.keys() ^ {"x", "q"}))
print(sorted(d.items() & {("x", 1), ("y", 5)}))
print(sorted({"y", "q"} & d.keys()))
other = {"y": 0, "z": 0}
print(sorted(d.keys() & other.keys()))
try:
    d.values() & {1}
except TypeError as e:
    print(e)
try:
    d | [("k", 1)]
except TypeError as e:
    print(e)
d = {"a": 1, "b": 2}
print(d.keys() == {"a", "b"}, {"b", "a"} == d.keys(), d.keys() == {"a"}, d.items() == {("a", 1), ("b", 2)}, d.values() == {1, 2}, d.keys() == d.copy().keys(), d.keys() != {"a", "b"}, d.keys() == ["a", "b"])
