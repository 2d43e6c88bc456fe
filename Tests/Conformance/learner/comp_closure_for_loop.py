# Late binding in a plain for loop: every lambda reads the same variable, at its last value.
fs = []
for i in range(3):
    fs.append(lambda: i)
print([f() for f in fs])
i = 10
print([f() for f in fs])
# Inside a function the variable is a cell of that function.
def make():
    out = []
    for n in range(3):
        out.append(lambda: n * n)
    return out
print([f() for f in make()])
def make_bound():
    return [lambda n=n: n * n for n in range(3)]
print([f() for f in make_bound()])
# A closure per call: a factory function fixes the value.
def adder(k):
    return lambda x: x + k
print([a(1) for a in [adder(k) for k in range(3)]])
