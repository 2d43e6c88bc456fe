def run(command):
    match command.split():
        case ["quit" | "exit"]:
            return "bye"
        case ["go", ("north" | "south" | "east" | "west") as direction]:
            return "going " + direction
        case ["go", _]:
            return "unknown direction"
        case ["pick", "up", *items] if items:
            return "picked " + ", ".join(items)
        case ["drop", item, *_]:
            return "dropped " + item
        case []:
            return "say something"
        case [word, *_]:
            return "unknown command " + word

for c in ["quit", "exit", "go north", "go up", "pick up key lamp", "pick up", "drop key now", "", "dance"]:
    print(repr(c), "->", run(c))

def evaluate(tree):
    match tree:
        case int(n):
            return n
        case ("+", a, b):
            return evaluate(a) + evaluate(b)
        case ("*", a, b):
            return evaluate(a) * evaluate(b)
        case ("-", a):
            return -evaluate(a)
        case other:
            raise ValueError(f"bad tree {other!r}")

print(evaluate(("+", 1, ("*", 2, ("-", 3)))))
