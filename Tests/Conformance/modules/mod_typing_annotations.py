from typing import List, Dict, Optional, Tuple, Any, Callable, Union, Set, Iterable, Iterator, TypeVar, Generic, cast, Sequence, Literal
import typing

def total(xs: List[int]) -> int:
    return sum(xs)

def lookup(d: Dict[str, int], key: str) -> Optional[int]:
    return d.get(key)

print(total([1, 2, 3]), lookup({"a": 1}, "a"), lookup({}, "b"))
print(List[int], Dict[str, List[int]], Optional[str], Tuple[()], Union[int, str], Union[int, None], Any, List)
print(Callable[[int, str], bool], Set[float], Iterable[Tuple[int, str]], Literal["a", "b"], typing.Iterator[int])
print(Union[int, Union[str, int]], Union[int], Optional[Union[int, str]])
T = TypeVar("T")
print(T, List[T])
class Stack(Generic[T]):
    def __init__(self) -> None:
        self.items: List[T] = []
    def push(self, item: T) -> None:
        self.items.append(item)
s = Stack()
s.push(3)
print(s.items, cast(int, "x"), List[int] == List[int], typing.get_args(Dict[str, int]))
class Node:
    pass
print(Optional[Node], List["Node"])
Vector = List[float]
def scale(v: Vector, k: float) -> Vector:
    return [x * k for x in v]
print(scale([1.0, 2.0], 2))
Dict[int]
