x = 0
for i in range(100000):
    x += i
print(x)
t = 0.0
for i in range(1000):
    t += i * 0.5
print(t)
