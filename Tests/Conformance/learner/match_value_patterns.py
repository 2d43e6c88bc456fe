import math

class Color:
    RED = 1
    GREEN = 2
    BLUE = 3

class Limits:
    class Inner:
        TOP = 100

def name(c):
    match c:
        case Color.RED:
            return "red"
        case Color.GREEN | Color.BLUE:
            return "green or blue"
        case Limits.Inner.TOP:
            return "top"
        case math.pi:
            return "pi"
        case _:
            return "unknown"

for c in [1, 2, 3, 100, math.pi, 4]:
    print(c, name(c))

RED = 1
match 5:
    case RED:
        print("a bare name captures:", RED)
