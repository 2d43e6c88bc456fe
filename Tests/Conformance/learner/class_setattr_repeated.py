class Logged:
    def __init__(self):
        self.x = 1
    def __setattr__(self, name, value):
        print("set", name, value)
        super().__setattr__(name, value)
l = Logged()
l.x = 2
l.x = 3
print(l.x)
class T:
    def __init__(self): self._t = 0
    @property
    def t(self): return self._t
    @t.setter
    def t(self, v):
        print("setter", v); self._t = v
o = T(); o.t = 5; o.t = 6; print(o.t)
