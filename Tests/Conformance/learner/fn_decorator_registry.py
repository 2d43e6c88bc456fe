handlers = {}

def register(name):
    def decorate(func):
        handlers[name] = func
        return func
    return decorate

@register("double")
def double(x):
    return 2 * x

@register("neg")
def neg(x):
    return -x

for name in sorted(handlers):
    print(name, handlers[name](21))
