from typing import Tuple, Callable
Pair = Tuple[int, int]
print(Pair)
Many = Tuple[int, ...]
print(Many)
