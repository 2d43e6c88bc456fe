def g():
    x = yield 1
    print(x)

gen = g()
gen.send(5)
