# Recursion through objects with __call__: a memoizing class and functools.lru_cache on a deep recursion.
import functools
class Memo:
    def __init__(self, func):
        self.func = func
        self.cache = {}
    def __call__(self, n):
        if n not in self.cache:
            self.cache[n] = self.func(n)
        return self.cache[n]
@Memo
def steps(n):
    return 0 if n == 0 else 1 + steps(n - 1)
print(steps(300), len(steps.cache))
@functools.lru_cache(maxsize=None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
print(fib(250))
print(fib.cache_info())
class Counter:
    def __init__(self):
        self.calls = 0
    def __call__(self, *args, **kwargs):
        self.calls += 1
        return args, kwargs
c = Counter()
print(c(1, 2, k=3), c(), c.calls)
