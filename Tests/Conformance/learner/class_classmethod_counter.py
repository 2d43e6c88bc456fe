class Registry:
    items = []
    created = 0

    def __init__(self, name):
        self.name = name
        type(self).register(self)

    @classmethod
    def register(cls, obj):
        cls.created += 1
        cls.items.append(obj.name)

    @classmethod
    def report(cls):
        return f"{cls.__name__}: {cls.created} created, {cls.items}"


class Special(Registry):
    items = []
    created = 0

    @classmethod
    def report(cls):
        return "special " + super().report()


Registry("a")
Registry("b")
Special("c")
print(Registry.report())
print(Special.report())
print(Special("d").report())
