def helper():
    raise RuntimeError("in helper")

try:
    try:
        [][1]
    except IndexError:
        helper()
except RuntimeError as e:
    print(repr(e), "context:", repr(e.__context__))

try:
    try:
        raise TypeError("first")
    finally:
        raise ValueError("second")
except ValueError as e:
    print(repr(e), "context:", repr(e.__context__))

e = ValueError("plain")
print(e.__cause__, e.__context__, e.__suppress_context__)
try:
    raise ValueError("x") from ValueError
except ValueError as e:
    print(repr(e.__cause__))
try:
    raise ValueError("x") from 5
except TypeError as e:
    print(e)
try:
    try:
        raise ValueError("once")
    except ValueError as e:
        raise
except ValueError as e:
    print(repr(e), e.__context__)
try:
    try:
        raise ValueError("a")
    except ValueError:
        pass
    raise KeyError("after")
except KeyError as e:
    print(repr(e), e.__context__)

# A raise inside a with's __exit__ sees the body's exception as its context.
class Closer:
    def __enter__(self):
        return self
    def __exit__(self, kind, value, tb):
        raise RuntimeError("exit failed")

try:
    with Closer():
        raise ValueError("body")
except RuntimeError as e:
    print(repr(e), repr(e.__context__))

# Re-raising the handled exception from a nested handler does not make a loop.
try:
    try:
        raise ValueError("a")
    except ValueError as a:
        try:
            raise KeyError("b")
        except KeyError:
            raise a
except ValueError as e:
    print(repr(e), repr(e.__context__), repr(e.__context__.__context__))

# A generator raising while its caller handles an exception.
def gen():
    yield 1
    raise LookupError("gen")

try:
    try:
        raise ValueError("outer")
    except ValueError:
        for x in gen():
            print("got", x)
except LookupError as e:
    print(repr(e), repr(e.__context__))

# A generator suspended inside its handler handles that exception again when resumed.
def suspended_in_handler():
    try:
        raise KeyError("a")
    except KeyError:
        yield 1
        raise ValueError("after yield")

it = suspended_in_handler()
print(next(it))
try:
    next(it)
except ValueError as e:
    print(repr(e), repr(e.__context__))

def thrown_into():
    try:
        raise KeyError("b")
    except KeyError:
        yield 2

it = thrown_into()
print(next(it))
try:
    it.throw(RuntimeError("thrown"))
except RuntimeError as e:
    print(repr(e), repr(e.__context__))
try:
    raise IndexError("after the generators")
except IndexError as e:
    print(repr(e), e.__context__)
