import os
name = "_conf_file_unicode.txt"
with open(name, "w", encoding="utf-8") as f:
    print(f.write("héllo wörld ✓\n"))
with open(name, encoding="utf-8") as f:
    print(repr(f.read(4)))
    print(repr(f.read()))
with open(name, "rb") as f:
    print(len(f.read()))
os.remove(name)
