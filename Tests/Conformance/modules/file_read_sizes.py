import os
name = "_conf_file_sizes.txt"
with open(name, "w") as f:
    f.write("x" * 100000 + "\nend\n")
with open(name) as f:
    first = f.read(70000)
    rest = f.read()
print(len(first), len(rest), repr(rest[-5:]))
with open(name) as f:
    lines = f.readlines()
print(len(lines), len(lines[0]))
os.remove(name)
