from dataclasses import dataclass


@dataclass(kw_only=True)
class K:
    a: int


print(K(a=1))
