# A subclass __init__ that does not call the base keeps the arguments the class was called with.
class Pair(Exception):
    def __init__(self, a, b):
        self.a = a
        self.b = b
p = Pair(1, "two")
print(p.args, str(p), repr(p), p.a, p.b)
class Quiet(Exception):
    def __init__(self, *args):
        pass
q = Quiet("x", 3)
print(q.args, str(q))
# Keyword arguments reach __init__ but not args.
class Coded(Exception):
    def __init__(self, msg, code=0):
        super().__init__(msg)
        self.code = code
c = Coded("m", code=5)
print(c.args, c.code, str(c))
class KeepAll(Exception):
    def __init__(self, msg, code=0):
        self.code = code
k = KeepAll("m", code=5)
print(k.args, k.code)
