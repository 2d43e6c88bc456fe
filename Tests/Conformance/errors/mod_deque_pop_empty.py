from collections import deque
d = deque()
d.pop()
