def first():
    yield 1
    yield 2

def second():
    yield from first()
    yield from [3, 4]
    yield 5

print(list(second()))
