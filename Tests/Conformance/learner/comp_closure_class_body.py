class Table:
    size = 3
    # The first iterable is evaluated in the class body, so it sees the class's names.
    squares = [i * i for i in range(size)]
    names = {n: len(n) for n in ["ab", "c"]}
    evens = {x for x in range(size * 2) if x % 2 == 0}
    makers = [lambda i=i: i + 1 for i in range(size)]
    def method(self):
        return [self.size * k for k in range(2)]
print(Table.squares, Table.names, sorted(Table.evens))
print([m() for m in Table.makers], Table().method())
def build(offset):
    class Inner:
        # Names of the enclosing function are visible in a class body's comprehension.
        vals = [v + offset for v in range(3)]
    return Inner.vals
print(build(10))
