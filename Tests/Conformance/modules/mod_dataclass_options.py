import dataclasses
from dataclasses import dataclass, field


@dataclass(order=True)
class Version:
    major: int
    minor: int = 0
    patch: int = 0


versions = [Version(1, 2), Version(1, 0, 5), Version(0, 9)]
print(sorted(versions))
print(Version(1, 2) < Version(1, 3), Version(2) >= Version(1, 9, 9), max(versions))


@dataclass(repr=False, eq=False)
class Plain:
    a: int


x = Plain(1)
print(x == Plain(1), x == x, x.a)


@dataclass(init=False)
class Later:
    value: int = 7


print(Later())


@dataclass
class Own:
    a: int

    def __repr__(self):
        return "Own!"


print(Own(3), Own(3) == Own(3))


@dataclass(frozen=True)
class Frozen:
    x: int
    y: int = 2


f = Frozen(1)
print(f, f.x + f.y)
try:
    f.x = 5
except dataclasses.FrozenInstanceError as e:
    print(type(e).__name__, e, isinstance(e, AttributeError))
try:
    del f.y
except AttributeError as e:
    print(e)
print(Frozen(1) == Frozen(1, 2))
