from dataclasses import dataclass


@dataclass
class Point:
    x: int
    y: int = 0


p = Point(1, 2)
print(p)
print(Point(5), Point(y=3, x=4))
print(p == Point(1, 2), p == Point(2, 1), p != Point(1, 2))
print(p == (1, 2))
p.x = 10
print(p.x, p)
print(Point.__annotations__)
print(Point.y)


@dataclass
class Inventory:
    name: str
    price: float
    quantity: int = 0

    def total(self):
        return self.price * self.quantity


item = Inventory("widget", 2.5, 4)
print(item, item.total())
print(repr(Inventory("x", 1.0)))
