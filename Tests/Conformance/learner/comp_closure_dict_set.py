d = {"a": [1, 2], "b": [3], "c": []}
gens = {k: (v for v in d[k]) for k in d}
print(sorted(gens))
print({k: list(g) for k, g in gens.items()})
# A lambda as a dict value, reading the key.
makers = {k: (lambda: k.upper()) for k in "abc"}
print({k: f() for k, f in makers.items()})
bound = {k: (lambda k=k: k.upper()) for k in "abc"}
print({k: f() for k, f in bound.items()})
# Generator expressions that read the key of a dict comprehension.
scaled = {k: tuple(x * len(k) for x in range(3)) for k in ["x", "yy", "zzz"]}
print(scaled)
# A set comprehension of sums computed by generator expressions over its variable.
print(sorted({sum(j for j in range(i)) for i in range(6)}))
print(sorted({(lambda: n)() for n in [3, 1, 3, 2]}))
