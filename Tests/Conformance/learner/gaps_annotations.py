# Type hints on parameters, return values and variables: python3 keeps them aside and runs the same.
def average(values: list, digits: int = 2) -> float:
    total: float = 0
    for v in values:
        total += v
    return round(total / len(values), digits)

count: int = 3
label: str
class Account:
    owner: str = "nobody"
    def __init__(self, owner: str, balance: float = 0.0) -> None:
        self.owner = owner
        self.balance: float = balance
    def deposit(self, amount: float) -> "Account":
        self.balance += amount
        return self
print(average([1, 2, 4]), count, Account.owner, Account("Ada").deposit(5).deposit(2.5).balance)
