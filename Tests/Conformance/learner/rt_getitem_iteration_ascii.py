# Iterating an object through __getitem__ (no __iter__), and ascii().
class Squares:
    def __getitem__(self, i):
        if i >= 5:
            raise IndexError("done")
        return i * i


print(list(Squares()), 9 in Squares(), 7 in Squares())
for n in Squares():
    print(n, end=" ")
print()
a, b, *rest = Squares()
print(a, b, rest, sorted(Squares(), reverse=True))
print(ascii("caf\u00e9"), ascii("\u20ac and \U0001F600"), ascii([1, "x\u00ff"]), ascii("plain"))
