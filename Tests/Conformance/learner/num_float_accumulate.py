x = 0.0
for i in range(10):
    x += 0.1
print(x, x == 1.0, abs(x - 1.0) < 1e-9)
y = 1.0
for i in range(5):
    y /= 3
print(y, y * 243)
