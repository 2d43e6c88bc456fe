def total(items: list) -> int:
    result: int = 0
    for x in items:
        step: int = x * 2
        result += step
    return result


def never_evaluated():
    value: undefined_name_here = 5
    other: also_undefined
    return value


print(total([1, 2, 3]))
print(never_evaluated())


class Point:
    def __init__(self, x: int, y: int):
        self.x: int = x
        self.y: int = y


p = Point(1, 2)
print(p.x, p.y)
print(Point.__annotations__)
