import os
os.mkdir("_conf_is_dir")
try:
    open("_conf_is_dir")
except IsADirectoryError as e:
    print("IsADirectoryError", e)
finally:
    os.rmdir("_conf_is_dir")
os.remove("_conf_is_dir")
