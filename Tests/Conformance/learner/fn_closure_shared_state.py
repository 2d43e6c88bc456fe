def account(balance):
    def deposit(amount):
        nonlocal balance
        balance += amount
        return balance
    def withdraw(amount):
        nonlocal balance
        balance -= amount
        return balance
    return deposit, withdraw

dep, wd = account(100)
print(dep(50))
print(wd(30))
print(dep(0))
