# print(file=obj) calls obj.write once per piece: each value, each separator, then the end.
class Collector:
    def __init__(self):
        self.calls = []
    def write(self, text):
        self.calls.append(text)
        return len(text)

c = Collector()
print("a", 1, [2], file=c)
print(file=c)
print("x", "y", sep="", end="", file=c)
print(c.calls)
print("to stdout", file=None)

class NoWrite:
    pass

try:
    print("hi", file=NoWrite())
except AttributeError as e:
    print("AttributeError:", e)
