from functools import partial

def power(base, exp):
    return base ** exp

square = partial(power, exp=2)
cube = partial(power, exp=3)
print(square(5), cube(2))
add3 = partial(lambda a, b, c: a + b + c, 1, 2)
print(add3(10))
