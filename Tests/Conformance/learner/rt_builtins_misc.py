# iter(callable, sentinel), slice objects, delattr (exit/quit: python3 -S has none; see RuntimeSemanticsTests).
it = iter([1, 2, 0, 3])
print(list(iter(lambda: next(it), 0)))
lines = iter(["a", "b", "", "c"])
for line in iter(lambda: next(lines), ""):
    print("line", line)
s = slice(1, 5, 2)
print(s, s.start, s.stop, s.step, [0, 1, 2, 3, 4, 5, 6][s], slice(3))
print("abcdef"[slice(None, None, -1)], (1, 2, 3)[slice(2)])
row = [0] * 6
row[slice(0, 6, 3)] = [9, 9]
print(row)


class P:
    pass


p = P()
p.x = 1
delattr(p, "x")
print(hasattr(p, "x"))
try:
    delattr(p, "x")
except AttributeError as e:
    print(e)
try:
    iter(5, 0)
except TypeError as e:
    print(e)
