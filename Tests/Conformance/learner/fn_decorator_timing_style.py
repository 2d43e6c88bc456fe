def trace(func):
    def wrapper(*args, **kwargs):
        print("enter", func.__name__, args)
        result = func(*args, **kwargs)
        print("leave", func.__name__, result)
        return result
    return wrapper

@trace
def add(a, b=0):
    return a + b

add(1, b=2)
add(5)
