class Date:
    def __init__(self, year, month, day):
        self.year = year
        self.month = month
        self.day = day

    @classmethod
    def from_string(cls, text):
        y, m, d = text.split("-")
        return cls(int(y), int(m), int(d))

    @classmethod
    def kind(cls):
        return cls.__name__

    def __repr__(self):
        return f"{self.kind()}({self.year}, {self.month}, {self.day})"


class Birthday(Date):
    pass


d = Date.from_string("2024-05-17")
print(d)
b = Birthday.from_string("1990-01-02")
print(b, type(b).__name__)
print(d.from_string("2000-12-31"))
print(b.kind(), Birthday.kind(), Date.kind())
m = Birthday.from_string
print(m("1999-09-09"))
