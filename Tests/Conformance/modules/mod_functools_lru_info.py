from functools import lru_cache, cache

@lru_cache(maxsize=None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

print(fib(40), fib.cache_info())
print(fib.cache_info().hits, fib.cache_info().misses, fib.cache_info().currsize)
fib.cache_clear()
print(fib.cache_info())

@lru_cache(maxsize=2)
def square(x):
    print("computing", x)
    return x * x

for v in [1, 2, 1, 3, 2, 1]:
    square(v)
print(square.cache_info())

@cache
def add(x, y=1):
    print("adding", x, y)
    return x + y
print(add(1), add(1), add(1, y=2), add(1, y=2), add.cache_info())

@lru_cache
def ident(x):
    return x
ident(1)
ident(1)
print(ident.cache_info())
@lru_cache(typed=True)
def typed(x):
    return x
typed(1)
typed(1.0)
typed(1)
print(typed.cache_info(), typed.cache_parameters())
ident([1])
