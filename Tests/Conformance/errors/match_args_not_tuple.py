class Rec:
    __match_args__ = ["a", "b"]

    def __init__(self):
        self.a = 1
        self.b = 2

match Rec():
    case Rec(a=1):
        print("keywords need no __match_args__")
match Rec():
    case Rec(1, 2):
        print("no")
