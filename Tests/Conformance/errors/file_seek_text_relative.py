import os
name = "_conf_seek_rel.txt"
with open(name, "w") as f:
    f.write("abc")
f = open(name)
os.remove(name)
print(f.seek(0, 1))
f.seek(1, 1)
