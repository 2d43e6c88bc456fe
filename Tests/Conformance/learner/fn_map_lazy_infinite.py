def count_up():
    n = 1
    while True:
        yield n
        n += 1

doubled = map(lambda x: 2 * x, count_up())
print(next(doubled), next(doubled), next(doubled))
