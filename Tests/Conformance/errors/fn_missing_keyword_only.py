def f(*, key):
    return key

print(f())
