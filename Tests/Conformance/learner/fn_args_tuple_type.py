def show(*args, **kwargs):
    print(type(args).__name__, len(args))
    print(type(kwargs).__name__, len(kwargs))

show()
show(1, 2, a=3)
