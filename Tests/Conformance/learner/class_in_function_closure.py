def make_counter_class(start):
    step = 1
    class Counter:
        def __init__(self):
            self.value = start
        def bump(self):
            self.value += step
            return self.value
    step = 10
    return Counter

C = make_counter_class(5)
c = C()
print(c.bump(), c.bump())

def registry():
    count = 0
    class Item:
        label = "item"
        def __init__(self, name):
            nonlocal count
            count += 1
            self.name = name
            self.number = count
        def __repr__(self):
            return f"Item({self.name!r}, #{self.number} of {count})"
    a = Item("a")
    b = Item("b")
    print(a, b, count)
    return Item

Item = registry()
print(Item("c"), Item.label)

def shadow():
    label = "function's"
    class K:
        label = "class's"
        def get(self):
            return label
        here = label
    return K
K = shadow()
print(K().get(), K.label, K.here)

def body_reads():
    size = 3
    class Grid:
        cells = [0] * size
        width = size
    return Grid
print(body_reads().cells, body_reads().width)

def late():
    class Early:
        def get(self):
            return value
    try:
        Early().get()
    except NameError as e:
        print(e)
    value = 42
    return Early().get()
print(late())
