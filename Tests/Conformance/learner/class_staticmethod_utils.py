class MathUtils:
    @staticmethod
    def add(a, b):
        return a + b

    @staticmethod
    def is_even(n):
        return n % 2 == 0

    def double_all(self, items):
        return [self.add(x, x) for x in items]

    square = staticmethod(lambda x: x * x)


print(MathUtils.add(2, 3))
m = MathUtils()
print(m.add(10, 20), m.is_even(4), MathUtils.is_even(7))
print(m.double_all([1, 2, 3]))
print(MathUtils.square(9), m.square(4))
f = MathUtils.add
print(f(1, 1))


class Child(MathUtils):
    @staticmethod
    def add(a, b):
        return a * 100 + b


print(Child().double_all([1, 2]))
print(list(filter(MathUtils.is_even, range(10))))
