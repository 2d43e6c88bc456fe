import os
print(os.path.exists(""), os.path.isfile(""), os.path.isdir(""))
try:
    open("")
except FileNotFoundError as e:
    print("FileNotFoundError", e)
try:
    open("a\0b")
except ValueError as e:
    print("ValueError", e)
try:
    os.listdir("")
except FileNotFoundError as e:
    print("FileNotFoundError", e)
os.path.getsize("")
