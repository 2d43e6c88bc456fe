from dataclasses import dataclass, field


@dataclass(frozen=True)
class Cell:
    row: int
    col: int
    note: str = field(default="", compare=False)


seen = {Cell(0, 0), Cell(0, 1), Cell(0, 0, "again")}
print(len(seen), Cell(0, 1) in seen, Cell(2, 2) in seen)
grid = {Cell(1, 2): "x"}
print(grid[Cell(1, 2, "other")], grid.get((1, 2)), (1, 2) in grid)


@dataclass(frozen=True)
class Other:
    row: int
    col: int


print(Other(1, 2) in grid, Cell(1, 2) == Other(1, 2))


@dataclass
class Mutable:
    v: int


try:
    {Mutable(1)}
except TypeError as e:
    print(e)


@dataclass(frozen=True)
class Holder:
    items: list


try:
    {Holder([1])}
except TypeError as e:
    print(e)
