from dataclasses import dataclass

@dataclass
class Point:
    x: int
    y: int = 0

print(Point(1, 2))
