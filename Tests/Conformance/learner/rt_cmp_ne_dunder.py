# != calls __ne__; without one it inverts __eq__; NotImplemented passes the turn.
class T:
    def __init__(self, t):
        self.t = t

    def __ne__(self, other):
        print("T.__ne__")
        return self.t != other.t


print(T(1) != T(1), T(1) != T(2))
print(T(1) == T(1))


class E:
    def __init__(self, v):
        self.v = v

    def __eq__(self, other):
        if not isinstance(other, E):
            return NotImplemented
        return self.v == other.v


print(E(1) != E(1), E(1) != E(2), E(1) == 1, E(1) != 1, 1 == E(1), "x" != E(1))
print(E(3) in [E(1), E(3)], [E(1)] == [E(1)], [E(1)] != [E(2)])


class Loud:
    def __eq__(self, other):
        return "loud"


print(Loud() == 1, Loud() != 1, 1 == Loud())


class Base:
    def __eq__(self, other):
        print("Base.__eq__")
        return True


class Derived(Base):
    def __eq__(self, other):
        print("Derived.__eq__")
        return False


print(Base() == Derived())
print(Derived() == Base())
