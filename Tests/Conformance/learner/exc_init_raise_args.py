class MyError(Exception):
    pass
try:
    raise MyError("x", 3)
except MyError as e:
    print(e.args, str(e), repr(e))
try:
    raise MyError
except MyError as e:
    print(e.args, repr(e), str(e) == "")
try:
    raise MyError(["list"])
except MyError as e:
    print(e.args, str(e))
e = ValueError(1)
e.args = (3, 4)
print(e.args, str(e), repr(e))
e.args = ["from", "a", "list"]
print(e.args, str(e))
e.args = "ab"
print(e.args, repr(e))
class Leave(SystemExit):
    def __init__(self, code):
        super().__init__(code * 2)
try:
    raise Leave(4)
except SystemExit as s:
    print(s.code, s.args)
