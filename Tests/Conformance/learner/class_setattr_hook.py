class Logged:
    def __init__(self):
        self.x = 1

    def __setattr__(self, name, value):
        print("set", name, value)
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        print("del", name)
        super().__delattr__(name)


o = Logged()
o.y = 2
print(o.x, o.y)
del o.x
print(hasattr(o, "x"))


class ReadOnly:
    def __init__(self, v):
        super().__setattr__("v", v)

    def __setattr__(self, name, value):
        raise AttributeError("read only: " + name)


r = ReadOnly(5)
print(r.v)
try:
    r.v = 6
except AttributeError as e:
    print(e)
