def add(a,
        b,
        c=0):
    return a + b + c

total = add(
    1,
    2,
)
print(total)
items = [
    1,
    2,
    3,
]
print(items)
