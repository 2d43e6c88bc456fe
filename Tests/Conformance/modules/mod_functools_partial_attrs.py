from functools import partial

def power(base, exp, mod=None):
    if mod is None:
        return base ** exp
    return (base ** exp) % mod

square = partial(power, exp=2)
print(square(5), square.func is power, square.args, square.keywords)
two_to = partial(power, 2)
print(two_to(10), two_to(10, mod=1000), two_to.args, two_to.keywords)
eight = partial(two_to, 3)
print(eight(), eight.args, eight.func is power)
override = partial(power, exp=2)
print(override(3, exp=3))
print(list(map(partial(int, base=2), ["101", "111"])))
partial(5)
