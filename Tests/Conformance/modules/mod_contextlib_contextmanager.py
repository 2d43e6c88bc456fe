from contextlib import contextmanager

@contextmanager
def tag(name):
    print("<" + name + ">")
    try:
        yield name.upper()
    finally:
        print("</" + name + ">")

with tag("b") as t:
    print("inside", t)

@contextmanager
def catching():
    try:
        yield
    except ValueError as e:
        print("handled", e)

with catching():
    raise ValueError("boom")
print("after")

try:
    with tag("x"):
        raise KeyError("k")
except KeyError as e:
    print("propagated", repr(e))

@tag("deco")
def work():
    print("working")
work()
work()

@contextmanager
def no_yield():
    if False:
        yield
try:
    with no_yield():
        pass
except RuntimeError as e:
    print("RuntimeError:", e)

@contextmanager
def two_yields():
    yield 1
    yield 2
with two_yields():
    pass
