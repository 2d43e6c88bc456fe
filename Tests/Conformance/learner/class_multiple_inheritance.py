class A:
    def who(self):
        return ["A"]
class B(A):
    def who(self):
        return ["B"] + super().who()
class C(A):
    def who(self):
        return ["C"] + super().who()
class D(B, C):
    def who(self):
        return ["D"] + super().who()

d = D()
print(d.who())
print([k.__name__ for k in D.__mro__])
print([k.__name__ for k in D.mro()])
print(isinstance(d, C), issubclass(D, C), issubclass(C, D), isinstance(d, A))

class Base:
    greeting = "hi"
    def __init__(self, **kw):
        print("Base init", sorted(kw))
class Named(Base):
    def __init__(self, name, **kw):
        self.name = name
        super().__init__(**kw)
class Aged(Base):
    def __init__(self, age, **kw):
        self.age = age
        super().__init__(**kw)
class Person(Named, Aged):
    pass
p = Person(name="Ann", age=3, extra=1)
print(p.name, p.age, p.greeting)
print([k.__name__ for k in Person.__mro__])

class NotFoundError(KeyError, LookupError): pass
class BadInput(ValueError, TypeError): pass
try:
    raise BadInput("bad")
except TypeError as e:
    print("caught as TypeError:", repr(e), [k.__name__ for k in type(e).__mro__])
try:
    raise NotFoundError("k")
except LookupError as e:
    print("caught:", type(e).__name__)

class Mixin:
    def describe(self):
        return "I am " + type(self).__name__ + " " + str(self.size())
class Box:
    def size(self):
        return 3
class MixedBox(Mixin, Box): pass
print(MixedBox().describe())
print(super(B, D()).who())
