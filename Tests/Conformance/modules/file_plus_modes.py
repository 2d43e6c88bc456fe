import os
name = "_conf_file_plus.txt"
with open(name, "w+") as f:
    f.write("hello world")
    f.seek(0)
    print(f.read())
with open(name, "r+") as f:
    print(f.read(5))
    f.seek(0)
    f.write("HELLO")
with open(name) as f:
    print(f.read())
with open(name, "a+") as f:
    f.write("!")
    f.seek(0)
    print(f.read())
os.remove(name)
