from dataclasses import dataclass


@dataclass(order=True)
class A:
    x: int


@dataclass(order=True)
class B:
    x: int


print(A(1) < A(2))
print(A(1) < B(2))
