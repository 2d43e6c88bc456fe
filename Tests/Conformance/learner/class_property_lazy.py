class Report:
    def __init__(self, numbers):
        self.numbers = numbers
        self._total = None
        self.calls = 0

    @property
    def total(self):
        if self._total is None:
            self.calls += 1
            self._total = sum(self.numbers)
        return self._total


r = Report([1, 2, 3, 4])
print(r.total, r.total, r.total, r.calls)
print([getattr(r, "total") for _ in range(2)], r.calls)
print(r.__class__.total.fget(r))


class Counter:
    count = 0

    def __init__(self):
        Counter.count += 1

    @property
    def number(self):
        return Counter.count


a = Counter()
b = Counter()
print(a.number, b.number)
setattr(a, "plain", 1)
print(a.plain)
