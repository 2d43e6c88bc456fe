import os
name = "_conf_file_seek.txt"
with open(name, "w") as f:
    f.write("one\ntwo\nthree\n")
with open(name) as f:
    f.readline()
    here = f.tell()
    print(here)
    print(repr(f.readline()))
    f.seek(here)
    print(repr(f.readline()))
    f.seek(0)
    print(repr(f.read(3)))
    print(f.seek(0, 2))
    print(repr(f.read()))
os.remove(name)
