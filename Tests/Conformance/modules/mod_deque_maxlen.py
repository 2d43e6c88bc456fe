from collections import deque

last = deque(maxlen=3)
for i in range(6):
    last.append(i)
print(last)
last.appendleft(-1)
print(list(last), last.maxlen)
