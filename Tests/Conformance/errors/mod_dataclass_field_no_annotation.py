from dataclasses import dataclass, field


@dataclass
class Basket:
    owner: str
    items = field(default_factory=list)


print(Basket("ann"))
