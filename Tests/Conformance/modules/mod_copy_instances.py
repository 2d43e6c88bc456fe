import copy

class Account:
    def __init__(self, owner, history):
        print("init", owner)
        self.owner = owner
        self.history = history

    def total(self):
        return sum(self.history)

a = Account("ann", [10, 20])
b = copy.copy(a)
c = copy.deepcopy(a)
a.history.append(5)
print(type(b).__name__, b.owner, b.history, b.total(), c.history, c.total())
print(b is a, b.history is a.history, c.history is a.history, isinstance(c, Account))
b.owner = "bob"
print(a.owner, b.owner)
