def worker(n):
    total = 0
    for i in range(n):
        yield i
        total += i
    return total

def manager():
    result = yield from worker(4)
    print("worker returned", result)
    yield "done"

for x in manager():
    print(x)
