class Box: pass
b = Box()
print((b.value := 3))
