def letters():
    for c in "abc":
        yield c

def forever():
    n = 0
    while True:
        yield n
        n += 1

print(list(zip(letters(), forever())))
print(list(zip([1, 2, 3], "xy")))
