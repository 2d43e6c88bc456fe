print(7 / 2, 1 / 3)
print(round(2.675, 2), 0.1 + 0.2)
