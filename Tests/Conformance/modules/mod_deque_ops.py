from collections import deque

d = deque([1, 2, 3])
d.append(4)
d.appendleft(0)
print(d)
print(d.pop(), d.popleft())
d.rotate(1)
print(d)
d.rotate(-2)
print(d, len(d), d[0], 2 in d)
