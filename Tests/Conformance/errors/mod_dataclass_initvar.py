from dataclasses import dataclass, InitVar


@dataclass
class Account:
    owner: str
    pin: InitVar[int] = 0

    def __post_init__(self, pin):
        self.locked = pin != 0


print(Account("ann", 1234).locked)
