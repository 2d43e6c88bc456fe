class Custom(Exception):
    def __init__(self, what):
        super().__init__(what)
        self.what = what
    def __str__(self):
        return "custom: " + self.what
print("start")
raise Custom("broken")
