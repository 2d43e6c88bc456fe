def g():
    yield 1

reversed(g())
