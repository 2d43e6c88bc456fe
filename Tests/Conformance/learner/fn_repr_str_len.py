class Bag:
    def __init__(self, items):
        self.items = items
    def __repr__(self):
        return "Bag(" + repr(self.items) + ")"
    def __str__(self):
        return "a bag of " + str(len(self.items))
    def __len__(self):
        return len(self.items)

b = Bag([1, 2])
print(b)
print(repr(b), len(b))
print([b])
