class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

class Point3(Point):
    def __init__(self, x, y, z):
        Point.__init__(self, x, y)
        self.z = z

def where(p):
    match p:
        case Point(x=0, y=0):
            return "origin"
        case Point(x=0, y=y):
            return f"on the y axis at {y}"
        case Point(x=x, y=0):
            return f"on the x axis at {x}"
        case Point3(z=z) if z > 0:
            return f"above, z={z}"
        case Point():
            return "somewhere"
        case _:
            return "not a point"

print(where(Point(0, 0)))
print(where(Point(0, 5)))
print(where(Point(3, 0)))
print(where(Point3(1, 2, 3)))
print(where(Point3(1, 2, -3)))
print(where(Point(1, 1)))
print(where((0, 0)))

match Point(1, 2):
    case Point(missing=1):
        print("has missing")
    case Point(x=1, y=2 as two):
        print("matched", two)
