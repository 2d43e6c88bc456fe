def check(v):
    match v:
        case [x, y] if x / y > 1:
            return "ratio above one"
        case _:
            return "other"

print(check([4, 2]), check([1, 2]))
print(check([1, 0]))
