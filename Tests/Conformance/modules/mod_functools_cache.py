import functools

calls = []

def slow_square(n):
    calls.append(n)
    return n * n

fast = functools.lru_cache(maxsize=None)(slow_square)
print(fast(4), fast(4), fast(5))
print(calls)
