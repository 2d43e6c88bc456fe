def log_call(func, *args, **kwargs):
    result = func(*args, **kwargs)
    print(func.__name__, args, kwargs, "->", result)
    return result

def power(base, exp=2):
    return base ** exp

log_call(power, 3)
log_call(power, 2, exp=10)
