# eval/exec of source with the program's globals, globals(), locals(), vars(obj), dir().
x = 10
print(eval("x * 2 + 1"), eval(" 3 ** 2 "))
exec("y = x + 5\nprint('in exec', y)")
print(y)
exec("def twice(n):\n    return 2 * n")
print(twice(21))
print("x" in globals(), globals()["x"], "nope" in globals())
def f(a, b=2):
    c = a + b
    return sorted(locals().items())
print(f(1))
def g():
    return eval("len('abc') + 1")
print(g())
class P:
    def __init__(self):
        self.name = "p"
        self.size = 3
    def area(self):
        return 0
p = P()
print(vars(p))
print([n for n in dir(p) if not n.startswith("__")])
print(dir(P) == dir(p) or len(dir(p)) - len(dir(P)))
print(dir(p)[:3])
print(dir())
def h():
    q = 1
    return dir()
print(h())
try:
    eval("1 +")
except SyntaxError as e:
    print("SyntaxError")
try:
    eval("x = 1")
except SyntaxError:
    print("SyntaxError 2")
