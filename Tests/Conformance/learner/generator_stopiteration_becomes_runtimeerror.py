# PEP 479: a StopIteration out of a generator is a RuntimeError caused by it, however the generator is driven.
def g():
    yield 1
    raise StopIteration("x")
try:
    list(g())
except RuntimeError as e:
    print(repr(e), repr(e.__cause__), repr(e.__context__), e.__suppress_context__)
it = g()
next(it)
try:
    next(it)
except RuntimeError as e:
    print(type(e.__cause__).__name__, e.__cause__ is e.__context__)
