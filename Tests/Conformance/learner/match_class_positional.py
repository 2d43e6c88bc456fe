class Vec:
    __match_args__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y

class Named(Vec):
    __match_args__ = ("name", "x", "y")

    def __init__(self, name, x, y):
        Vec.__init__(self, x, y)
        self.name = name

def describe(v):
    match v:
        case Named(n, 0, 0):
            return "named origin " + n
        case Vec(0, 0):
            return "origin"
        case Vec(x, 0):
            return f"x only {x}"
        case Vec(x, y=7):
            return f"x {x} with y seven"
        case Vec(a, b):
            return f"vec {a} {b}"

print(describe(Vec(0, 0)))
print(describe(Vec(4, 0)))
print(describe(Vec(4, 7)))
print(describe(Vec(4, 8)))
print(describe(Named("home", 0, 0)))
print(describe(Named("work", 1, 2)))
print(describe("no"))
