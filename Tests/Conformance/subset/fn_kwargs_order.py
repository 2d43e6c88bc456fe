def keys(**kw):
    return list(kw)

print(keys(b=1, a=2, c=3))
