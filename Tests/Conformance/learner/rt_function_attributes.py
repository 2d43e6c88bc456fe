# Attributes set on functions (a counting decorator), __name__ of functions and methods.
def counted(fn):
    def wrapper(*args):
        wrapper.calls += 1
        return fn(*args)
    wrapper.calls = 0
    return wrapper


@counted
def add(a, b):
    return a + b


add(1, 2)
add(3, 4)
print(add.calls, add.__name__)
add.tag = "x"
print(add.tag, hasattr(add, "tag"), getattr(add, "nope", None))
del add.tag
print(hasattr(add, "tag"))


class A:
    def m(self):
        return 1


a = A()
bound = a.m
print(bound.__name__, bound(), [].append.__name__, "x".upper.__name__)
try:
    add.missing
except AttributeError as e:
    print(e)


def memo(fn):
    fn.cache = {}
    return fn


@memo
def square(n):
    if n not in square.cache:
        square.cache[n] = n * n
    return square.cache[n]


print(square(4), square(4), square.cache)
