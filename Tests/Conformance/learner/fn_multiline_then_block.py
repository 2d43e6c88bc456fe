data = [
    (1, "a"),
    (2, "b"),
]
for n, s in data:
    print(n, s)
x = max(
    3, 9, 4)
if x > 5:
    print("big", x)
