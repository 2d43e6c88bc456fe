match = 3
case = [match, 4]
print(match, case)

def match_it(x):
    return x * 2

print(match_it(match))

class Box:
    case = "attr"
    match = "other attr"

print(Box.case, Box.match)
b = Box()
b.case = 5
print(b.case)

match, case = case
print(match, case)

def match(x):
    return "called with " + str(x)

print(match(7))
matches = {"match": 1, "case": 2}
print(matches["match"], matches["case"])

match match(1):
    case "called with 1":
        print("the subject was a call of a function named match")

case = 10
match case:
    case 10:
        print("a variable named case as subject")
print([match for match in range(3)])
