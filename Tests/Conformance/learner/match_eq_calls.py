class Loud:
    def __init__(self, v):
        self.v = v

    def __eq__(self, other):
        print("eq", self.v, other)
        return self.v == other

class Consts:
    A = 1
    B = 2

match Loud(2):
    case Consts.A:
        print("A")
    case Consts.B:
        print("B")

class Always:
    def __eq__(self, other):
        return True

match Always():
    case None:
        print("None is compared by identity, not ==")
    case 5:
        print("5 uses ==")

match 1:
    case True:
        print("no: 1 is not True")
    case 1.0:
        print("1 == 1.0")
