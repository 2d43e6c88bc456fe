def names():
    yield "ann"
    yield "bob"

e = enumerate(names(), start=1)
print(next(e))
for i, n in e:
    print(i, n)
