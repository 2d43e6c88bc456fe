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
