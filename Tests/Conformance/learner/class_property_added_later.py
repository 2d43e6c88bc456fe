class Base:
    pass


class Child(Base):
    pass


def get_size(self):
    return self._size


def set_size(self, value):
    print("setting", value)
    self._size = max(0, value)


c = Child()
Base.size = property(get_size, set_size)
c.size = -5
print(c.size, c._size)


def logging_setattr(self, name, value):
    print("assign", name)
    object.__setattr__(self, name, value)


Base.__setattr__ = logging_setattr
c.other = 1
print(c.other)
