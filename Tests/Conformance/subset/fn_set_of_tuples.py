points = {(0, 0), (1, 2), (0, 0)}
print(len(points), (1, 2) in points)
print(sorted(points))
