import io
import os
name = "_conf_seek_rel.txt"
with open(name, "w") as f:
    f.write("abc")
f = open(name)
os.remove(name)
print(f.seek(0, 1))
for offset, whence in [(1, 1), (-1, 2)]:
    try:
        f.seek(offset, whence)
    except io.UnsupportedOperation as e:
        print(e)
f.seek(-1)
