import os
name = "_conf_file_append.txt"
with open(name, "w") as f:
    f.write("a\n")
with open(name, "a") as f:
    print(f.tell())
    f.write("b\n")
with open(name, "a") as f:
    f.writelines(["c\n", "d\n"])
with open(name) as f:
    print(f.read().split())
os.remove(name)
