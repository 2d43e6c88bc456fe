from dataclasses import dataclass, field, fields, asdict, astuple, replace, is_dataclass


@dataclass
class Team:
    name: str
    members: list = field(default_factory=list)
    score: int = field(default=0, compare=False)
    secret: str = field(default="hidden", repr=False)
    count: int = field(init=False, default=0)


a = Team("red")
b = Team("red")
a.members.append("ann")
print(a, b.members)
print(Team("x", score=5) == Team("x", score=9))
print([f.name for f in fields(Team)])
print([f.type for f in fields(a)])
print(asdict(a))
print(astuple(a))
c = replace(a, name="blue")
print(c, c.members is a.members)
print(is_dataclass(Team), is_dataclass(a), is_dataclass(3))
print(hasattr(Team, "members"), Team.score)


@dataclass
class Inner:
    v: int


@dataclass
class Outer:
    items: list
    inner: Inner


o = Outer([Inner(1), Inner(2)], Inner(3))
print(asdict(o))
print(astuple(o))
