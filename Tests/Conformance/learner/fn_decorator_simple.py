def shout(func):
    def wrapper():
        return func().upper() + "!"
    return wrapper

@shout
def hello():
    return "hello"

print(hello())
