def count_up():
    n = 0
    while True:
        yield n
        n += 1

odd = filter(lambda x: x % 2, count_up())
print(next(odd), next(odd), next(odd))
print(list(filter(None, [0, 1, "", "a", None, 3])))
