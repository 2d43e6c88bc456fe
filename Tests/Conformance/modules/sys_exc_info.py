# sys.exc_info() names the exception being handled, the innermost one first; outside a handler it is empty.
import sys
print(sys.exc_info())
try:
    1 // 0
except ZeroDivisionError:
    t, v, tb = sys.exc_info()
    print(t.__name__, repr(v), t is type(v))
    try:
        int("x")
    except ValueError:
        print(sys.exc_info()[0].__name__, sys.exc_info()[1])
    print("back to", sys.exc_info()[0].__name__)
print(sys.exc_info() == (None, None, None))

def handler():
    try:
        raise RuntimeError("inside")
    except RuntimeError:
        return sys.exc_info()[1]

print(repr(handler()))
