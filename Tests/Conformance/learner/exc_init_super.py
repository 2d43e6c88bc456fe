class AppError(Exception):
    def __init__(self, message):
        super().__init__("app: " + message)
        self.detail = message
e = AppError("disk full")
print(e, e.args, repr(e), e.detail)
try:
    raise AppError("no route")
except AppError as err:
    print(str(err), err.args, err.detail)
# Exception.__init__ by name does the same.
class Named(ValueError):
    def __init__(self, msg, code):
        ValueError.__init__(self, msg)
        self.code = code
try:
    raise Named("bad value", 7)
except ValueError as err:
    print(err, err.args, err.code, type(err).__name__)
