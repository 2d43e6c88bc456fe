# grid[x, y] indexes with the tuple (x, y).
grid = {}
for x in range(3):
    for y in range(2):
        grid[x, y] = x * 10 + y
print(grid[2, 1], grid[(0, 1)])
print(sorted(grid)[:3])
del grid[0, 0]
print((0, 0) in grid, len(grid))
grid[1, 1] += 100
print(grid[1, 1])
class Board:
    def __getitem__(self, key):
        return f"cell {key}"
print(Board()[3, 4], Board()[5,])
