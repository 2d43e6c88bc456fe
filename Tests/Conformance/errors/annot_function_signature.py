def area(width: float, height: float = 1.0) -> float:
    return width * height


print(area(2.0, 3.0))
print(area.__annotations__)
