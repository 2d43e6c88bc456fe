def f():
    pass

class Point:
    pass

print(type(1).__name__, type("s").__name__, type([]).__name__)
print(type(f).__name__, f.__name__)
print(type(Point()).__name__)
print(type(1) == int, type("a") is str)
