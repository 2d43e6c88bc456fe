import os
name = "_conf_file_write_read.txt"
with open(name, "w") as f:
    print(f.write("first line\n"))
    print(f.write("second"))
with open(name) as f:
    print(repr(f.read()))
os.remove(name)
