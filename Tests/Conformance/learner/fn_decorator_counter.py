def count_calls(func):
    calls = 0
    def wrapper(*args):
        nonlocal calls
        calls += 1
        print("call", calls, "of", func.__name__)
        return func(*args)
    return wrapper

@count_calls
def square(x):
    return x * x

print(square(3))
print(square(4))
