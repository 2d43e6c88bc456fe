import functools
def shout(func):
    """Make it loud."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        """The wrapper."""
        return func(*args, **kwargs).upper()
    return wrapper
@shout
def greet(name):
    """Say hello."""
    return f"hello {name}"
print(greet("ann"), greet.__name__, greet.__doc__, greet.__wrapped__("bob"))
class Box:
    """A box."""
    def __init__(self):
        self.items = []
        self.size = 3
    def __getattr__(self, name):
        return f"no {name}"
b = Box()
print(Box.__doc__, b.__doc__, b.size, b.colour, b.__dict__)
def plain(): pass
print(plain.__doc__, Box.__hash__ is not None)
class E:
    def __eq__(self, o): return True
print(E.__hash__, E().__hash__)
