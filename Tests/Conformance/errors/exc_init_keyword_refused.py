class Strict(Exception):
    def __init__(self, msg):
        super().__init__(msg, code=1)
print("making")
Strict("x")
