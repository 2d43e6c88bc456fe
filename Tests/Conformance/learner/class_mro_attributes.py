class Left:
    side = "left"
    def hello(self):
        return "Left.hello"
class Right:
    side = "right"
    colour = "red"
    def hello(self):
        return "Right.hello"
    def only_right(self):
        return "Right.only_right"
class Both(Left, Right):
    pass
b = Both()
print(b.side, b.colour, b.hello(), b.only_right())
print(Both.side, Both.hello(b))
print(isinstance(b, (int, Right)), isinstance(b, Left), type(b).__name__)

class Counter:
    def __init__(self):
        self.calls = []
        super().__init__()
class Logger:
    def __init__(self):
        self.lines = ["init"]
        super().__init__()
class Service(Counter, Logger):
    def __init__(self):
        super().__init__()
        self.ready = True
s = Service()
print(s.calls, s.lines, s.ready)
print([c.__name__ for c in Service.mro()])

class Plain:
    def __init__(self, x):
        super().__init__()
        self.x = x
print(Plain(4).x)
class Pushy:
    def __init__(self):
        super().__init__(1)
try:
    Pushy()
except TypeError as e:
    print(e)
