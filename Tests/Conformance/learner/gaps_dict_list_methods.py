data = {"b": [3, 1], "a": [2]}
for key in sorted(data):
    data[key].sort()
print(data, list(data.keys()), list(data.values()), list(data.items())[0])
d = dict.fromkeys("abc", 0)
d.update({"a": 1}, z=26)
print(d, d.pop("z"), d.setdefault("q", 9), d, "a" in d, d.get("nope"))
print({k: v for k, v in zip("xy", (1, 2))}, dict([("k", 1)]), len(d), d.popitem())
nested = {"x": {"y": {"z": 1}}}
print(nested["x"]["y"]["z"], nested.get("w", {}).get("y"), sorted({3, 1, 2}), {1, 2} == {2, 1})
del d["a"]
print(d, list(reversed([1, 2, 3])), [1, 2, 3].index(2), [1, 1, 2].count(1))
lst = [5, 3, 8]; lst.insert(0, 1); lst.remove(8); lst.extend([9, 9]); lst.reverse()
print(lst, lst.pop(0), sorted(lst, key=lambda x: -x), lst.copy() == lst)
