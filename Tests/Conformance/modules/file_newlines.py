import os
name = "_conf_file_newlines.txt"
with open(name, "wb") as f:
    f.write(b"a\r\nb\rc\n")
with open(name) as f:
    print(repr(f.read()))
with open(name, newline="") as f:
    print(repr(f.read()))
with open(name, "w", newline="\r\n") as f:
    f.write("x\ny\n")
with open(name, "rb") as f:
    print(f.read())
os.remove(name)
