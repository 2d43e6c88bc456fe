class SomeClass:
    pass
print(SomeClass)
print(repr(SomeClass), [SomeClass], str(SomeClass))
class Outer:
    class Inner:
        pass
print(Outer.Inner)
def make():
    class Local:
        pass
    return Local
print(make())
class MyError(Exception):
    pass
print(MyError, type(MyError("x")))
print(ValueError, KeyError, Exception)
