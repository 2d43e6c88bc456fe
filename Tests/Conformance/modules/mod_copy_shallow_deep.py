import copy

nested = [[1, 2], [3, 4], {"k": [5]}]
shallow = copy.copy(nested)
deep = copy.deepcopy(nested)
nested[0].append(99)
nested[2]["k"].append(6)
print(shallow, deep)
print(shallow is nested, shallow[0] is nested[0], deep[0] is nested[0])
d = {"a": [1], "b": {"c": (1, [2])}}
d2 = copy.deepcopy(d)
d2["b"]["c"][1].append(3)
print(d, d2)
t = (1, 2, "x")
print(copy.copy(t) is t, copy.deepcopy(t) is t, copy.deepcopy((1, [2]))[1] is (1, [2])[1])
s = {1, 2}
print(copy.copy(s) == s, copy.copy(s) is s, copy.copy(5), copy.deepcopy("text"))
shared = [1]
both = [shared, shared]
again = copy.deepcopy(both)
print(again[0] is again[1], again[0] is shared)
loop = [1]
loop.append(loop)
clone = copy.deepcopy(loop)
print(clone[1] is clone, clone[1] is loop)
