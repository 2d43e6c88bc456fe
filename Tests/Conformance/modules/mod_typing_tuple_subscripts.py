grid = {}
grid[0, 0] = "origin"
grid[1, 2] = "east"
print(grid, grid[1, 2], grid[(0, 0)])
del grid[0, 0]
print(grid, (1, 2) in grid)

class Matrix:
    def __init__(self, rows):
        self.rows = rows
    def __getitem__(self, index):
        r, c = index
        return self.rows[r][c]
    def __setitem__(self, index, value):
        r, c = index
        self.rows[r][c] = value

m = Matrix([[1, 2], [3, 4]])
m[0, 1] = 20
print(m[0, 1], m[1, 0], m[1, 1,])
t = (5, 6)
print({t: 1}[5, 6])
grid[3, 4]
