# Dict iterators read the dict as they go: changed values are seen; more keys than it had is an error.
d = {"a": 1, "b": 2, "c": 3}
for k, v in d.items():
    d["c"] = 99
    print(k, v)
for v in d.values():
    print(v)
it = iter(d)
print(next(it), list(it), list(it))
d2 = {"x": 1, "y": 2}
try:
    for k in d2:
        del d2[k]
        d2[k + "!"] = 0
except RuntimeError as e:
    print(e)
print(d2)
d3 = {1: "a"}
try:
    for k in d3:
        d3[2] = "b"
except RuntimeError as e:
    print(e)
keys = d.keys()
d["z"] = 0
print(list(keys), len(keys), sorted(d), [k for k in d if d[k] > 1], dict(zip(d, d.values())))
print(list(enumerate(d.items())), max(d, key=d.get), {**d}, [*d.items()][0])
e = {}
for k in e:
    print("never")
print(list({}.items()), tuple({1: 2}), set({"q": 1}), sum({1: 0, 2: 0}), " ".join({"p": 1, "q": 2}))
