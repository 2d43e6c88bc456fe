class Shape:
    def __init__(self, name):
        self.name = name

    @property
    def area(self):
        return 0

    @property
    def label(self):
        return self.name + " with area " + str(self.area)


class Square(Shape):
    def __init__(self, side):
        super().__init__("square")
        self.side = side

    @property
    def area(self):
        return self.side * self.side

    @property
    def label(self):
        return "[" + super().label + "]"


class Circle(Shape):
    def __init__(self, r):
        super().__init__("circle")
        self.r = r

    @Shape.area.getter
    def area(self):
        return 3 * self.r * self.r


for s in [Shape("blob"), Square(3), Circle(2)]:
    print(s.label)
sq = Square(2)
sq.side = 5
print(sq.area)
try:
    sq.area = 3
except AttributeError as e:
    print(e)
