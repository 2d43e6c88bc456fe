import os
name = "_conf_file_closed.txt"
f = open(name, "w")
f.write("x")
f.close()
os.remove(name)
try:
    f.write("y")
except ValueError as e:
    print(e)
f.read()
