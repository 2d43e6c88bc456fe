def outer(v):
    match v:
        case [a, *_, z]:
            return (a, z)
        case [*_]:
            return "too short"
        case _:
            return "no"

print(outer(range(10**6)))
print(outer([1, 2]))
print(outer([1]))
print(outer("abc"))

def second_to_last(v):
    match v:
        case [_, *_, y, _]:
            return y
    return None

print(second_to_last([1, 2, 3, 4]), second_to_last([1, 2]), second_to_last((7, 8, 9)))

match [1, 2, 3]:
    case [_, _, _]:
        print("three of anything")
match (1, 2):
    case [*_, 2]:
        print("ends with 2")
