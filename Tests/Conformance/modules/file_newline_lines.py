import os
name = "_conf_file_newline_lines.txt"
with open(name, "wb") as f:
    f.write(b"one\r\ntwo\rthree\nfour\r")
for newline in [None, "", "\n", "\r", "\r\n"]:
    with open(name, newline=newline) as f:
        print(repr(newline), [line for line in f])
with open(name, "rb") as f:
    print(f.readlines())
with open(name) as f:
    print(repr(f.readline(2)), repr(f.readline()), f.tell())
os.remove(name)
