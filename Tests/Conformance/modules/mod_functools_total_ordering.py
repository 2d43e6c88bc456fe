from functools import total_ordering, cmp_to_key

@total_ordering
class Version:
    def __init__(self, major, minor):
        self.major = major
        self.minor = minor
    def __eq__(self, other):
        return (self.major, self.minor) == (other.major, other.minor)
    def __lt__(self, other):
        return (self.major, self.minor) < (other.major, other.minor)
    def __repr__(self):
        return "v" + str(self.major) + "." + str(self.minor)

a, b = Version(1, 2), Version(1, 10)
print(a < b, a > b, a <= b, a >= b, b >= a, a <= Version(1, 2), a >= Version(1, 2))
print(sorted([Version(2, 0), a, b]), max(a, b), min([b, a]))

@total_ordering
class Size:
    def __init__(self, n):
        self.n = n
    def __eq__(self, other):
        return self.n == other.n
    def __gt__(self, other):
        return self.n > other.n
print(Size(1) < Size(2), Size(3) <= Size(2), Size(2) >= Size(2))

def by_length_then_alpha(s, t):
    if len(s) != len(t):
        return len(s) - len(t)
    return (s > t) - (s < t)
words = ["pear", "fig", "banana", "kiwi", "apple"]
print(sorted(words, key=cmp_to_key(by_length_then_alpha)))
print(sorted([3, 1, 2], key=cmp_to_key(lambda x, y: y - x)))

@total_ordering
class Nothing:
    pass
