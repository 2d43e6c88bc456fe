import os
name = "_conf_file_print.txt"
with open(name, "w") as f:
    print("hello", 42, file=f)
    print("x", "y", sep="-", end="!\n", file=f)
    print(file=f)
    print("to stdout", file=None)
with open(name) as f:
    print(repr(f.read()))
os.remove(name)
