from typing import ClassVar


class Settings:
    count: ClassVar[int] = 0
    name: str = "x"


print(Settings.__annotations__)
