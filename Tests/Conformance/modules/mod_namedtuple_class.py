from collections import namedtuple
P = namedtuple("P", "x y")
p = P(1, y=2)
print(p, p[0], list(p), p == (1, 2), type(p).__name__)
import sys
print(sys.version_info[:2], sys.version_info.minor)
