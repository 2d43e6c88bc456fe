import os
name = "_conf_file_exclusive.txt"
with open(name, "x") as f:
    f.write("made")
try:
    open(name, "x")
except FileExistsError as e:
    print("FileExistsError", e)
with open(name) as f:
    print(f.read())
os.remove(name)
