# The eval loop's fast paths (small ints, floats, list items and appends, instance attributes, dict keys) answer
# what the general paths answer, at their edges too.
def ops(a, b):
    out = [a * b]
    if b != 0:
        out += [a // b, a % b]
    out += [a & b, a | b, a ^ b]
    return out


big = 4611686018427387903
for a, b in [(7, 2), (-7, 2), (7, -2), (-7, -2), (0, 5), (-1, 3), (big, 2), (-big - 1, -1), (big, big), (3, 0),
             (-big - 1, 1), (123456789, 987654321)]:
    print(a, b, ops(a, b))


def modulo(a, b):
    try:
        return a % b
    except ZeroDivisionError as e:
        return str(e)


print(modulo(5, 0), modulo(5.0, 0), modulo(-5, 3), modulo(5, -3.0))

x = 2.0
for y in [0.5, 2, -1, 0, 1e308, -0.5]:
    try:
        print(x ** y)
    except OverflowError as e:
        print("OverflowError", e)
for x in [0.0, -8.0, 1.0, float("inf"), float("nan")]:
    for y in [2.0, -1.0]:
        try:
            print(x, y, x ** y)
        except Exception as e:
            print(x, y, type(e).__name__)
print(2 ** 0.5, 10 ** -2.0, 4 ** 0.5)

# Floats made and dropped in a loop (reused from the pool) keep their values apart.
acc = 0.0
kept = []
for i in range(200):
    t = i * 0.5 + 0.25
    acc += t * t
    if i % 50 == 0:
        kept.append(t)
print(acc, kept, [k * 2 for k in kept])

# list items read and written by index, appends by method
row = [1.5, 2.5, 3.5]
for i in range(3):
    row[i] -= row[(i + 1) % 3] * 2
print(row, row[-1], row[-3])
items = []
add = items.append
for i in range(5):
    items.append(i)
    add(-i)
print(items, items.append(9), len(items))


class Point:
    def __init__(self, x):
        self.x = x
        self.log = []

    def move(self, dx):
        self.x = self.x + dx
        self.log.append(dx)
        return self.x


p = Point(1)
p.move = lambda dx: "own attribute, not the method"
q = Point(10)
print(q.move(5), q.move(-2), q.x, q.log, p.move(3), p.x)

# str keys equal but built apart
d = {}
for w in ["ab", "a" + "b", "".join(["a", "b"]), "ba"]:
    d[w] = d.get(w, 0) + 1
print(d, d.get("zz"), d.get("ab"), d.get("ba", 7), "ab" in d, "zz" in d, 3 in d)
try:
    d.get([1])
except TypeError as e:
    print("TypeError", e)


def numbers(n):
    for i in range(n):
        if i % 2 == 0:
            yield i


print(sum(x * 3 for x in numbers(10)), list(numbers(5)))

e = ValueError("inner")
e.__cause__ = None
e.__cause__ = KeyError("k")
print(repr(e.__cause__), e.__suppress_context__)
e.__cause__ = 5
