def f(v):
    result = "unset"
    match v:
        case 1:
            result = "one"
        case [2, x]:
            result = "two " + str(x)
    return result

print(f(1), f([2, 3]), f(9), f([2]))

count = 0
for v in range(5):
    match v:
        case 3:
            count += 10
    count += 1
print(count)

match "nothing":
    case "something":
        print("no")
print("after the match")
