from dataclasses import dataclass


@dataclass
class Point:
    x: int
    y: int


for args, kwargs in [((), {}), ((1, 2, 3), {}), ((1,), {"z": 2}), ((1,), {"x": 2})]:
    try:
        Point(*args, **kwargs)
    except TypeError as e:
        print(e)
Point(1)
