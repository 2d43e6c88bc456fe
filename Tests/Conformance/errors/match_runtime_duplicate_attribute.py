class P:
    __match_args__ = ("x",)

    def __init__(self):
        self.x = 1

match P():
    case P(x=1):
        print("ok")
match P():
    case P(1, x=1):
        print("no")
