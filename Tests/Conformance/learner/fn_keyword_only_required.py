def make(*, size, color="red"):
    return str(size) + " " + color

print(make(size=3))
print(make(color="blue", size=1))
