# Each way out of a handler ends its handling: a later exception has no context.
def returns_from_handler():
    try:
        raise ValueError("a")
    except ValueError:
        return "returned"

def breaks_from_handler():
    for i in range(3):
        try:
            raise KeyError(i)
        except KeyError:
            break
    return "broke"

def finally_returns():
    try:
        raise IndexError("c")
    finally:
        return "finally returned"

def suppressed_by_with():
    class Quiet:
        def __enter__(self):
            return self
        def __exit__(self, kind, value, tb):
            return True
    with Quiet():
        raise TypeError("swallowed")
    return "suppressed"

for f in (returns_from_handler, breaks_from_handler, finally_returns, suppressed_by_with):
    print(f())
    try:
        raise RuntimeError("later")
    except RuntimeError as e:
        print(repr(e.__context__))
