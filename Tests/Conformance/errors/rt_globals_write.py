g = globals()
g["zz"] = 1
print(zz)
