class Version:
    def __init__(self, major, minor):
        self.key = (major, minor)
    def __lt__(self, other):
        return self.key < other.key
    def __le__(self, other):
        return self.key <= other.key
    def __gt__(self, other):
        return self.key > other.key
    def __ge__(self, other):
        return self.key >= other.key

a, b = Version(3, 11), Version(3, 12)
print(a < b, a <= b, a > b, a >= b, b >= a, a <= a)
