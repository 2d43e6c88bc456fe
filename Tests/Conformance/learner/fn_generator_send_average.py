def averager():
    total = 0
    count = 0
    average = None
    while True:
        value = yield average
        total += value
        count += 1
        average = total // count

avg = averager()
next(avg)
for v in [10, 20, 60]:
    print(avg.send(v))
