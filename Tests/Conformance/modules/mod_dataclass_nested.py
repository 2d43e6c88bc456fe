from dataclasses import dataclass


class Shapes:
    @dataclass
    class Circle:
        r: float

    @dataclass(frozen=True)
    class Square:
        side: int


def make():
    @dataclass
    class Local:
        v: int
    return Local(3)


print(Shapes.Circle(1.5), Shapes.Square(2))
print(Shapes.Circle.__qualname__, Shapes.Circle.__name__)
print(make())
print(type(make()).__qualname__)
