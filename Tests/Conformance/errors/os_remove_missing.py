import os
try:
    os.remove("_conf_missing.txt")
except FileNotFoundError as e:
    print(e)
try:
    os.path.getsize("_conf_missing.txt")
except FileNotFoundError as e:
    print(e)
print(os.path.exists("_conf_missing.txt"), os.path.isfile("_conf_missing.txt"))
os.rename("_conf_missing.txt", "_conf_other.txt")
