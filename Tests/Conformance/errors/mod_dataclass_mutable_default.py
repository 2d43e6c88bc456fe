from dataclasses import dataclass

try:
    @dataclass
    class D:
        x: dict = {}
except ValueError as e:
    print(e)


@dataclass
class C:
    items: list = []
