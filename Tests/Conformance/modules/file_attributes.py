import os
name = "_conf_file_attrs.txt"
f = open(name, "w")
print(f.name, f.mode, f.closed, f.readable(), f.writable(), f.seekable())
f.close()
print(f.closed)
f.close()
g = open(name, "rb")
print(g.name, g.mode, g.readable(), g.writable())
print(type(g).__name__)
g.close()
with open(name) as h:
    print(type(h).__name__, h.encoding)
print(h.closed)
os.remove(name)
