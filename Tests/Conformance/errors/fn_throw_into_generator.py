def g():
    yield 1
    yield 2

gen = g()
next(gen)
gen.throw(ValueError("stop here"))
