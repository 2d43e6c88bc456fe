x = 1.5
print("before")
print(x / 0)
