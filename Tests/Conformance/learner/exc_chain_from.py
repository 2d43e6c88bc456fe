class AppError(Exception):
    pass

def parse(s):
    try:
        return int(s)
    except ValueError as e:
        raise AppError("bad number: " + s) from e

try:
    parse("x1")
except AppError as e:
    print(type(e).__name__, e)
    print(type(e.__cause__).__name__, e.__cause__)
    print(e.__context__ is e.__cause__, e.__suppress_context__)

try:
    try:
        1 / 0
    except ZeroDivisionError:
        raise KeyError("k")
except KeyError as e:
    print(repr(e.__context__), e.__cause__, e.__suppress_context__)

try:
    try:
        [][0]
    except IndexError:
        raise ValueError("v") from None
except ValueError as e:
    print(repr(e.__context__), e.__cause__, e.__suppress_context__)

# raise … from a class: the class is instantiated; the context stays recorded but hidden.
try:
    try:
        raise KeyError("inner")
    except KeyError:
        raise ValueError("x") from RuntimeError
except ValueError as e:
    print(repr(e.__cause__), repr(e.__context__), e.__suppress_context__)

# A cause set on an exception object outlives the raise.
err = OSError("disk")
try:
    raise err from IndexError(3)
except OSError as e:
    print(e is err, repr(err.__cause__))

# The links set by hand: a cause hides the context; each is checked as CPython checks it.
e = ValueError("by hand")
e.__cause__ = KeyError("k")
print(repr(e.__cause__), e.__suppress_context__)
e.__cause__ = None
e.__suppress_context__ = False
e.__context__ = IndexError(1)
print(e.__cause__, e.__suppress_context__, repr(e.__context__))
for name, value in (("__cause__", 3), ("__context__", "text"), ("__suppress_context__", 1)):
    try:
        setattr(e, name, value)
    except TypeError as problem:
        print(name, problem)
