class Box:
    def __init__(self, v):
        self.v = v
    def __lt__(self, other):
        return self.v < other.v

print(Box(1) < Box(2))
print(Box(1) <= Box(2))
