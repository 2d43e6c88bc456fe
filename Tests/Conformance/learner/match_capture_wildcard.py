def first(v):
    match v:
        case 1:
            return "one"
        case other:
            return "got " + str(other)

print(first(1), first(7), first("x"))

def ignore(v):
    match v:
        case _:
            return "anything"

print(ignore([1, 2]), ignore(None))

match 42:
    case answer:
        print("captured", answer)
print(answer + 1)
