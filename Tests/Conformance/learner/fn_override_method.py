class Shape:
    def area(self):
        return 0
    def report(self):
        return type(self).__name__ + " " + str(self.area())

class Square(Shape):
    def __init__(self, side):
        self.side = side
    def area(self):
        return self.side * self.side

for s in [Shape(), Square(3)]:
    print(s.report())
