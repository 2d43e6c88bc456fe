class Box:
    def __init__(self):
        self.size = 3
b = Box()
b.__dict__["colour"] = "red"
print(b.colour)
