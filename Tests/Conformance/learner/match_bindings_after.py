def parse(cmd):
    match cmd.split():
        case [verb, obj]:
            pass
        case [verb]:
            obj = None
        case _:
            verb = obj = "?"
    return verb, obj

print(parse("go north"), parse("look"), parse("a b c"))

match {"name": "ada", "age": 36}:
    case {"name": name, "age": age}:
        pass
print(name, age)

match (1, (2, 3)):
    case (p, (q, r)):
        total = p + q + r
print(p, q, r, total)

def partial():
    match [1, 2]:
        case [a, 3]:
            return "no"
        case [a, b]:
            return a + b

print(partial())
