class AppError(Exception):
    def __init__(self, message):
        super().__init__("app: " + message)
        self.detail = message

print("before")
e = AppError("disk full")
print(e, e.detail)
