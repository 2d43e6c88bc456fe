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
