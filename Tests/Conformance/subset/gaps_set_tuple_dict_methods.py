s = {1, 2, 3, 4}
s.difference_update({1}); print(s)
s.intersection_update([2, 3, 9]); print(s)
s.symmetric_difference_update({3, 7}); print(s, s.isdisjoint({8}), s.isdisjoint([2]))
t = (1, 2, 2, 3)
print(t.count(2), t.index(3))
d = {"a": 1}
d.update([("b", 2)], c=3); d.update({"a": 0}); e = d.copy(); e["z"] = 1
print(d, e, d.popitem(), d)
d.clear(); print(d, len(d))
try:
    d.popitem()
except KeyError as ex:
    print("KeyError", ex)
