def f(a, b=2, *args, c, d=4, **kw):
    print(a, b, args, c, d, sorted(kw.items()))

f(1, c=3)
f(1, 2, 3, 4, c=5, e=6)
f(*(7, 8), **{"c": 9, "z": 0})
