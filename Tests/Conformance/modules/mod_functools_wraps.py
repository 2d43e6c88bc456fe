import functools

def logged(f):
    @functools.wraps(f)
    def inner(*args, **kwargs):
        print("calling", f.__name__)
        return f(*args, **kwargs)
    return inner

@logged
def add(a, b):
    return a + b

print(add(2, 3), add.__name__)
