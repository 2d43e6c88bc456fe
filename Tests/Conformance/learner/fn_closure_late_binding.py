def make_funcs():
    funcs = []
    for i in range(3):
        funcs.append(lambda: i)
    return funcs

print([f() for f in make_funcs()])

def make_funcs_fixed():
    funcs = []
    for i in range(3):
        funcs.append(lambda i=i: i)
    return funcs

print([f() for f in make_funcs_fixed()])
