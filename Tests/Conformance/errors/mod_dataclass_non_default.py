from dataclasses import dataclass


@dataclass
class Good:
    a: int
    b: int = 1


@dataclass
class Bad:
    a: int = 0
    b: int
