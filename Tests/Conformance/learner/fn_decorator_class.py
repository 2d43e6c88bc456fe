def add_greeting(cls):
    cls.greeting = "hello"
    return cls

@add_greeting
class Person:
    def __init__(self, name):
        self.name = name

p = Person("ann")
print(p.greeting, p.name)
