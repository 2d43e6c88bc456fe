# An exception is hashed by identity, unless its class defines __eq__ (then, like any class, it is unhashable).
class Plain(Exception):
    pass

class Compared(Exception):
    def __eq__(self, other):
        return isinstance(other, Compared)

seen = {Plain("a"): 1}
print(len(seen), seen[next(iter(seen))])
try:
    errors = {Compared("b"): 1}
except TypeError as e:
    print("TypeError:", e)
print(Compared("x") == Compared("y"))
