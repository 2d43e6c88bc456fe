# Items read and updated at a constant index, on lists and on everything else a local may hold.
def reads(x):
    return x[0], x[-1], x[1]

print(reads([10, 20, 30]))
print(reads((1, 2, 3)))
print(reads("abc"))
print(reads({0: "zero", -1: "minus one", 1: "one"}))
print(reads(range(5)))

def updates(x):
    x[0] += 1
    x[1] -= 2.5
    x[2] *= 3
    x[-1] += 10
    return x

print(updates([1, 2.0, "ab", 4]))
print(updates({0: 1, 1: 2, 2: [1], -1: 0}))

class Box:
    def __init__(self):
        self.seen = []
    def __getitem__(self, k):
        self.seen.append(("get", k))
        return k * 10
    def __setitem__(self, k, v):
        self.seen.append(("set", k, v))

b = Box()
updates(b)
print(b.seen)

def pair(a, b):
    return a * b + b * a

print(pair(3, 4), pair("x", 2), pair(1.5, 2))

def out_of_range(x):
    try:
        return x[5]
    except IndexError as e:
        return "IndexError", str(e)

print(out_of_range([1, 2]), out_of_range((1,)), out_of_range("ab"))

def update_out_of_range(x):
    try:
        x[3] += 1
    except IndexError as e:
        return "IndexError", str(e)

print(update_out_of_range([1]))

def unbound_second():
    try:
        a = 1
        return a + b_later
    except NameError as e:
        return type(e).__name__
    b_later = 2

print(unbound_second())

def unbound_local_pair():
    try:
        print(x, y)
    except UnboundLocalError as e:
        print(type(e).__name__, e)
    x = 1
    y = 2

unbound_local_pair()

def nested(grid):
    grid[0][1] += 5
    row = grid[1]
    row[0] = row[0] + row[1]
    return grid

print(nested([[1, 2], [3, 4]]))

def bools(x):
    x[True] += 1
    return x[False], x[True]

print(bools([5, 6]))
