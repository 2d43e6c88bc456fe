# BaseException.__init__ sets args again, from whatever it is given.
class Renamed(Exception):
    def __init__(self, value):
        super().__init__("value", value, "rejected")
r = Renamed(3)
print(r.args, str(r))
class Empty(Exception):
    def __init__(self, anything):
        super().__init__()
print(repr(Empty(1)), str(Empty(1)) == "", Empty(1).args)
e = Exception("first")
e.__init__("second", 2)
print(e.args, e)
# Calling __init__ again through the class.
Exception.__init__(e, "third")
print(e.args, repr(e))
