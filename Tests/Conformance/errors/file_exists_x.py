import os
name = "_conf_file_exists.txt"
open(name, "w").close()
try:
    open(name, "x")
finally:
    os.remove(name)
