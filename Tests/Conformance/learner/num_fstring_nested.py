value = 3.14159
for width in (6, 10):
    for digits in (1, 3):
        print(f"[{value:{width}.{digits}f}]")
print(f"[{'x':{'>'}{5}}]")
