from collections import deque

d = deque()
try:
    d.popleft()
except IndexError as e:
    print(e)
