def shape(v):
    match v:
        case []:
            return "empty"
        case [x]:
            return f"one: {x}"
        case [x, y]:
            return f"two: {x} {y}"
        case [x, y, *rest]:
            return f"many: {x} {y} rest={rest}"
        case _:
            return "not a sequence: " + repr(v)

for v in [[], [1], (1, 2), [1, 2, 3, 4], (5, 6, 7), range(3), "ab", b"xy", {1: 2}, 5, {1, 2}]:
    print(repr(v), "->", shape(v))

def ends(v):
    match v:
        case [first, *middle, last]:
            return (first, middle, last)
        case [*everything]:
            return ("short", everything)

print(ends([1, 2, 3, 4, 5]))
print(ends((1, 2)))
print(ends([9]))
print(ends(()))

match [1, [2, [3, 4]]]:
    case [a, [b, [c, d]]]:
        print("nested", a, b, c, d)

match (1, 2, 3):
    case (1, *_, 3):
        print("starts with 1 and ends with 3")
