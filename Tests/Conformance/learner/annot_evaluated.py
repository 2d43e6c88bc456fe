calls = []


def note(text):
    calls.append(text)
    return text


class Record:
    first: note("a") = 1
    second: note("b")
    third: note("c") = note("value")


print(calls)
print(Record.__annotations__)
print(Record.first, Record.third)
values = {}


class Expr:
    total: int = 1 + 2
    kinds: "dict of str to int" = {}
    names: tuple


print(Expr.__annotations__["kinds"], Expr.__annotations__["names"])
print(Expr.total)
