class Vault:
    def __init__(self):
        self.__code = 1234
    def check(self, guess):
        return guess == self.__code
v = Vault()
print(v.check(1234))
print(v.__code)
