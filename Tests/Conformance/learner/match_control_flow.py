def find(items):
    for item in items:
        match item:
            case "skip":
                continue
            case "stop":
                break
            case int(n) if n > 10:
                return "big " + str(n)
            case _:
                print("saw", item)
    return "done"

print(find([1, "skip", 2, "stop", 3]))
print(find([1, 50, 2]))

def gen(values):
    for v in values:
        match v:
            case (x, y):
                yield x + y
            case x:
                yield x

print(list(gen([(1, 2), 5, (3, 4)])))

def in_try(v):
    try:
        match v:
            case [x]:
                return 10 // x
            case _:
                raise ValueError("bad")
    except ZeroDivisionError:
        return "div by zero"
    except ValueError as e:
        return "value error " + str(e)
    finally:
        print("finally for", v)

print(in_try([2]), in_try([0]), in_try(7))

while True:
    match [1]:
        case [1]:
            print("leaving the loop")
            break
