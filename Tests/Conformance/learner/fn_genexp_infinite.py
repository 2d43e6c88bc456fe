def naturals():
    n = 0
    while True:
        yield n
        n += 1

evens = (n for n in naturals() if n % 2 == 0)
print(next(evens), next(evens), next(evens))
