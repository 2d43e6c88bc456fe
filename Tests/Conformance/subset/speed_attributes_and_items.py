# Attributes set, read, deleted and set again; list items by positive and negative index, and out of range.
class Point:
    kind = "point"
    def __init__(self, x, y):
        self.x = x
        self.y = y
    def move(self, dx):
        self.x = self.x + dx
        return self.x

p = Point(1, 2)
p.label = "a"
print(p.move(3), p.y, p.label, p.kind)
del p.label
p.kind = "own"
print(hasattr(p, "label"), p.kind, Point.kind)
p.label = "b"
print(p.label, getattr(p, "missing", "none"))
try:
    del p.label
    print(p.label)
except AttributeError as e:
    print("AttributeError")

items = [10, 20, 30]
items[-1] = items[0] + items[-2]
items[1] -= 5
print(items, items[-3], items[2])
for bad in (3, -4):
    try:
        print(items[bad])
    except IndexError as e:
        print("IndexError:", e)
try:
    items[5] = 1
except IndexError as e:
    print("IndexError:", e)
