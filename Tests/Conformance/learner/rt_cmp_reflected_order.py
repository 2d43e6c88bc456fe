# Rich ordering: the left operand's method, then the right one's reflection, NotImplemented passes on.
class Money:
    def __init__(self, cents):
        self.cents = cents

    def __lt__(self, other):
        if isinstance(other, Money):
            return self.cents < other.cents
        if isinstance(other, int):
            return self.cents < other
        return NotImplemented

    def __repr__(self):
        return f"Money({self.cents})"


print(Money(1) < Money(2), Money(3) < 2)
print(5 > Money(4), Money(4) < 5)
print(sorted([Money(3), Money(1), Money(2)]))


class Shy:
    def __lt__(self, other):
        return NotImplemented


class Bold:
    def __gt__(self, other):
        return "bold says yes"


print(Shy() < Bold())
try:
    Shy() < Shy()
except TypeError as e:
    print(e)
try:
    Money(1) <= Money(2)
except TypeError as e:
    print(e)
