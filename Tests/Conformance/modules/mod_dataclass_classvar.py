from dataclasses import dataclass, fields
from typing import ClassVar, List
@dataclass
class C:
    count: ClassVar[int] = 0
    xs: List[int] = None
    name: str = "a"
print(C(), [f.name for f in fields(C)])
print(C.count, len(fields(C)))
