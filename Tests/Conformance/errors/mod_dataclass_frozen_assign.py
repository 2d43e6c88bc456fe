from dataclasses import dataclass, FrozenInstanceError


@dataclass(frozen=True)
class Money:
    amount: int
    currency: str = "EUR"


m = Money(5)
print(m)
try:
    m.amount = 10
except FrozenInstanceError as e:
    print(type(e).__name__, e, [c.__name__ for c in type(e).__mro__])
try:
    m.note = "x"
except AttributeError as e:
    print(e)
print(m.amount)
try:
    del m.currency
except AttributeError as e:
    raise AttributeError("still " + m.currency) from e
