import os
name = "_conf_file_text_bytes.txt"
f = open(name, "w")
try:
    f.write(b"abc")
except TypeError as e:
    print(e)
f.close()
g = open(name, "wb")
try:
    g.write("abc")
except TypeError as e:
    print(e)
g.close()
os.remove(name)
with open(name, "w") as h:
    os.remove(name)
    h.write(42)
