def sign(n):
    match n:
        case x if x < 0:
            return "negative"
        case 0:
            return "zero"
        case x if x > 100:
            return "big"
        case x:
            return "positive"

print([sign(v) for v in [-5, 0, 3, 500]])

calls = []
def check(v):
    calls.append(v)
    return v > 1

match [1, 2, 3]:
    case [a, b, c] if check(a):
        print("first guard")
    case [a, b, c] if check(b):
        print("second guard", a, b, c)
print(calls)

match 5:
    case y if y > 10:
        print("not here")
    case _:
        print("guard failed but y is bound:", y)
