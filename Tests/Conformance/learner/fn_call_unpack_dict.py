def greet(greeting, name):
    return greeting + ", " + name + "!"

options = {"greeting": "Hello", "name": "World"}
print(greet(**options))
print(greet("Hi", **{"name": "you"}))
