import os
name = "_conf_file_readline.txt"
with open(name, "w") as f:
    f.write("alpha\nbeta\n\ngamma")
f = open(name)
print(repr(f.readline()))
print(repr(f.readline(2)))
print(repr(f.readline()))
print(repr(f.readline()))
print(repr(f.readline()))
print(repr(f.readline()))
f.close()
os.remove(name)
