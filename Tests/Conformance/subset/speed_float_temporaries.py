# Chained float arithmetic: intermediate results may be reused, named values never change.
a = 1.5
b = a + 2.0
c = (a * 2.0) + (b - 0.25) / 2
print(a, b, c)

def norm(xs):
    total = 0.0
    for x in xs:
        total += x * x + 0.5 * x - 1
    return total

values = [0.1, 2.5, -3.0, 4]
print(norm(values), values)

p = [1.0, 2.0, 3.0]
q = p[0] * 3 - p[1] / 4 + p[2]
p[0] += q * 0.5
print(p, q)

x = 10 / 4
y = 3 - x
z = 2 * y * y
print(x, y, z, 7 + 0.5, 1 - 2.5 * 2)

try:
    print(1.0 / (2.0 - 2.0))
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)
