class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

match Point(1, 2):
    case Point(x=1):
        print("keyword works")
try:
    match Point(1, 2):
        case Point(1, 2):
            print("no")
except TypeError as e:
    print("TypeError:", e)
match 3:
    case int(1, 2):
        print("no")
