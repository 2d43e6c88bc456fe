class Version:
    def __init__(self, n):
        self.n = n

    def __lt__(self, other):
        if isinstance(other, Version):
            return self.n < other.n
        return NotImplemented


print(Version(1) < Version(2))
print(Version(1) < "2")
