class Account:
    __count = 0
    def __init__(self, owner, balance):
        self.owner = owner
        self.__balance = balance
        Account.__count += 1
    def deposit(self, amount):
        self.__balance += amount
        return self.__balance
    def __secret(self):
        return "hidden"
    def reveal(self):
        return self.__secret()
    @classmethod
    def count(cls):
        return cls.__count
class Savings(Account):
    def __init__(self, owner):
        super().__init__(owner, 0)
        self.__balance = "own"
a = Account("ann", 10)
print(a.deposit(5), a.reveal(), Account.count(), a._Account__balance)
s = Savings("bob")
print(s._Savings__balance, s._Account__balance, Account.count())
try:
    print(a.__balance)
except AttributeError as e:
    print("AttributeError:", e)
