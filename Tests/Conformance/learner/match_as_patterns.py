def look(v):
    match v:
        case [1 | 2 as small, *rest] as whole:
            return f"small={small} rest={rest} whole={whole}"
        case (int() | float()) as number:
            return f"number {number}"
        case {"k": [_, _] as pair}:
            return f"pair {pair}"
        case str() as s:
            return "str " + s

print(look([1, 9, 8]))
print(look([2]))
print(look(3.5))
print(look({"k": (1, 2)}))
print(look("s"))
print(look([3]))
