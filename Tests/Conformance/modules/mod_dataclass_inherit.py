from dataclasses import dataclass, field


@dataclass
class Animal:
    name: str
    legs: int = 4

    def __post_init__(self):
        self.label = self.name.upper()


@dataclass
class Bird(Animal):
    legs: int = 2
    can_fly: bool = True


@dataclass
class Penguin(Bird):
    can_fly: bool = False
    colony: str = "south"


print(Animal("cat"), Animal("cat").label)
print(Bird("robin"))
p = Penguin("pingu", colony="zoo")
print(p, p.label)
print(isinstance(p, Animal), p == Penguin("pingu", 2, False, "zoo"))


@dataclass
class Rect:
    w: float
    h: float
    area: float = field(init=False)

    def __post_init__(self):
        self.area = self.w * self.h


print(Rect(2, 3))
