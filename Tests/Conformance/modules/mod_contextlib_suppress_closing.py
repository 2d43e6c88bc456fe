from contextlib import suppress, closing, nullcontext, ExitStack, contextmanager

with suppress(ZeroDivisionError, KeyError):
    print("before")
    1 / 0
    print("not reached")
print("suppressed")
with suppress(KeyError):
    {}["missing"]
print("again")

class Resource:
    def __init__(self, name):
        self.name = name
    def close(self):
        print("closed", self.name)

with closing(Resource("r1")) as r:
    print("using", r.name)

with nullcontext(42) as v:
    print(v)
with nullcontext():
    print("nothing")

@contextmanager
def step(n):
    print("enter", n)
    yield n
    print("exit", n)

with ExitStack() as stack:
    values = [stack.enter_context(step(i)) for i in range(3)]
    stack.callback(print, "callback ran")
    print(values)

with suppress(TypeError):
    raise ValueError("not suppressed")
