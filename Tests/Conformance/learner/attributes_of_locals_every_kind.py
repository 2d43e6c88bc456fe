# Attributes and methods read and set through a local variable, on every kind of value a local may hold.
class Plain:
    kind = "class attribute"
    def __init__(self):
        self.x = 1
    def get(self):
        return self.x
    def bump(self, by):
        self.x = self.x + by
        return self.x

class WithProperty:
    def __init__(self):
        self._v = 0
    @property
    def v(self):
        return self._v * 10
    @v.setter
    def v(self, value):
        self._v = value + 1

class Watched:
    def __init__(self):
        self.log = []
        self.y = 0
    def __setattr__(self, name, value):
        if name != "log":
            self.log.append(name)
        object.__setattr__(self, name, value)
    def __getattr__(self, name):
        return "missing " + name

def use(p, w, s, l, e):
    p.x = 5
    a = p.get(), p.bump(2), p.x, p.kind
    w.v = 3
    b = w.v, w._v
    s.y = 7
    s.y = 8
    c = s.log, s.nothing
    l.append(4)
    d = l.count(4), l.index(4)
    f = e.args, str(e)
    p.kind = "own now"
    g = p.kind, Plain.kind
    p.get = lambda: "instance function"
    h = p.get()
    return a, b, c, d, f, g, h

print(use(Plain(), WithProperty(), Watched(), [1], ValueError("bad", 2)))

def errors():
    out = []
    p = Plain()
    try:
        p.nope
    except AttributeError as e:
        out.append(str(e))
    n = None
    try:
        n.x = 1
    except AttributeError as e:
        out.append(str(e))
    try:
        n.m()
    except AttributeError as e:
        out.append(str(e))
    try:
        print(q.x)
    except UnboundLocalError as e:
        out.append(type(e).__name__)
    q = 1
    return out

print(errors())

def exception_links():
    e = KeyError("k")
    e.__cause__ = None
    try:
        e.__cause__ = 5
    except TypeError as err:
        return str(err), e.__suppress_context__

print(exception_links())
