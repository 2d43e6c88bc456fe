class Loud(Exception):
    def __str__(self):
        return "LOUD: " + super().__str__()
x = Loud("quiet words")
print(str(x), repr(x), x.args)
print(str(Loud("a", 2)))
class Tagged(Exception):
    def __repr__(self):
        return "Tagged<" + super().__repr__() + ">"
t = Tagged("t", 1)
print(repr(t), str(t), [t])
class Both(Exception):
    def __init__(self, n):
        super().__init__(n)
        self.n = n
    def __str__(self):
        return f"n is {self.n}"
    def __repr__(self):
        return f"Both(n={self.n})"
b = Both(4)
print(b, repr(b), b.args, f"{b}", [b])
print(BaseException.__str__(b), Exception.__repr__(b))
