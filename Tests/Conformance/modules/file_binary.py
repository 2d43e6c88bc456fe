import os
name = "_conf_file_binary.bin"
with open(name, "wb") as f:
    print(f.write(bytes([0, 1, 2, 255])))
    print(f.write(b"tail"))
with open(name, "rb") as f:
    data = f.read()
print(data, len(data), type(data).__name__)
with open(name, "rb") as f:
    print(f.read(2), f.read(2), f.tell())
    f.seek(1)
    print(f.read(3))
    f.seek(-2, 2)
    print(f.read())
os.remove(name)
