def greet(name, greeting="Hello", punctuation="!"):
    return greeting + " " + name + punctuation

print(greet("Ann"))
print(greet("Bob", "Hi"))
print(greet("Cy", punctuation="?"))
