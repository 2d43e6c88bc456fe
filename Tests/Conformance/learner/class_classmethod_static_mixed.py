class Pizza:
    def __init__(self, toppings):
        self.toppings = list(toppings)

    @classmethod
    def margherita(cls):
        return cls(["mozzarella", "tomatoes"])

    @classmethod
    def prosciutto(cls):
        return cls(["mozzarella", "tomatoes", "ham"])

    @staticmethod
    def circle_area(r):
        return round(3.14159 * r * r, 2)

    def area(self, r):
        return self.circle_area(r)

    def __repr__(self):
        return f"Pizza({self.toppings!r})"


print(Pizza.margherita())
print(Pizza.prosciutto())
print(Pizza.circle_area(2), Pizza([]).area(3))
cm = classmethod(lambda cls: cls.__name__)
print(type(cm).__name__, type(staticmethod(len)).__name__)
print(cm.__func__(Pizza))


class Base:
    @classmethod
    def create(cls):
        obj = cls()
        obj.made_by = cls.__name__
        return obj


class Derived(Base):
    @classmethod
    def create(cls):
        obj = super().create()
        obj.extra = True
        return obj


d = Derived.create()
print(type(d).__name__, d.made_by, d.extra)
