import io
import os
name = "_conf_file_not_readable.txt"
f = open(name, "w")
try:
    f.read()
except io.UnsupportedOperation as e:
    print("UnsupportedOperation", e, isinstance(e, OSError), isinstance(e, ValueError))
f.close()
g = open(name)
try:
    g.write("x")
except ValueError as e:
    print("ValueError", e)
try:
    g.writelines(["x"])
except OSError as e:
    print("OSError", e)
g.close()
os.remove(name)
g.read()
