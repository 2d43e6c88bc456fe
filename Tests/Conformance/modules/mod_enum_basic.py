from enum import Enum, auto
class Color(Enum):
    RED = 1
    GREEN = 2
    BLUE = 3
print(Color.RED, repr(Color.GREEN), Color.RED.name, Color.RED.value)
print(Color(2), Color["BLUE"], list(Color))
print(Color.RED == Color.RED, Color.RED is Color(1), len(Color))
class State(Enum):
    IDLE = auto()
    RUNNING = auto()
print([s.value for s in State])
for c in Color:
    print(c.name.lower(), end=" ")
print()
