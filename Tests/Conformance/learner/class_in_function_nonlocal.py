def bank():
    balance = 0
    history = []
    class Account:
        def deposit(self, amount):
            nonlocal balance
            balance += amount
            history.append(("deposit", amount))
            return balance
        def withdraw(self, amount):
            nonlocal balance
            if amount > balance:
                raise ValueError(f"only {balance} left")
            balance -= amount
            history.append(("withdraw", amount))
            return balance
        def total(self):
            return balance
    return Account, lambda: list(history)

Account, log = bank()
a, b = Account(), Account()
print(a.deposit(10), b.deposit(5), a.withdraw(3))
try:
    b.withdraw(100)
except ValueError as e:
    print(e)
print(a.total(), log())

def make_exception_type(prefix):
    class Tagged(Exception):
        def __str__(self):
            return prefix + ": " + str(self.args[0])
    return Tagged
Oops = make_exception_type("oops")
try:
    raise Oops("it broke")
except Oops as e:
    print(e, type(e).__name__)

def family(greeting):
    class Parent:
        def hello(self):
            return greeting + " from Parent"
    class Child(Parent):
        def hello(self):
            return super().hello() + " via Child"
    return Child()
print(family("hi").hello())

def outer():
    x = "outer"
    def middle():
        class Inner:
            def show(self):
                return x
        return Inner().show()
    return middle()
print(outer())
