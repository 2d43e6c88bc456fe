class MyError(Exception):
    pass
print("one frame")
raise MyError("msg", 2)
