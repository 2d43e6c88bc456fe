def running_total():
    total = 0
    while True:
        value = yield total
        total += value

acc = running_total()
print(next(acc))
print(acc.send(10))
print(acc.send(5))
print(acc.send(-3))
