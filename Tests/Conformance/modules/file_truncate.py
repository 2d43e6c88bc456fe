import os
name = "_conf_file_truncate.txt"
with open(name, "w") as f:
    f.write("0123456789")
with open(name, "r+") as f:
    print(f.truncate(4))
    print(f.read())
print(os.path.getsize(name))
os.remove(name)
