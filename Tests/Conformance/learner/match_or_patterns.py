def classify(v):
    match v:
        case 0 | 1 | 2:
            return "small"
        case "a" | "b":
            return "letter"
        case [x] | (x, _):
            return f"first {x}"
        case {"id": i} | {"key": i}:
            return f"id {i}"
        case (1, a, b) | (2, b, a):
            return f"ordered {a} {b}"
        case int() | float():
            return "number"
        case None | True:
            return "singleton"
        case _:
            return "other"

for v in [0, 2, "b", [5], (6, 7), {"id": 1}, {"key": 2}, (1, "p", "q"), (2, "p", "q"), 9, 1.5, None, False, "c"]:
    print(repr(v), "->", classify(v))

match [1, 2]:
    case [1, x] | [x, 1]:
        print("x is", x)
match [3, 1]:
    case [1, x] | [x, 1]:
        print("x is", x)
