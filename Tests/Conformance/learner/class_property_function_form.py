class Account:
    def __init__(self):
        self._balance = 0

    def get_balance(self):
        return self._balance

    def set_balance(self, value):
        print("set", value)
        self._balance = value

    def del_balance(self):
        print("reset")
        self._balance = 0

    balance = property(get_balance, set_balance, del_balance, "the balance")
    readonly = property(get_balance)


a = Account()
a.balance = 10
print(a.balance, a.readonly)
del a.balance
print(a.balance)
p = Account.balance
print(p.fget is Account.get_balance, p.fset is Account.set_balance, p.fdel is Account.del_balance)
print(Account.readonly.fset)
q = property()
print(q.fget, q.fset, q.fdel)
try:
    a.readonly = 3
except AttributeError as e:
    print(e)
