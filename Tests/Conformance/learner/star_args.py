def total(*args):
    return sum(args)

print(total(1, 2, 3))
