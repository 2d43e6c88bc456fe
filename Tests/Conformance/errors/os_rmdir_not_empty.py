import os
os.mkdir("_conf_full_dir")
open("_conf_full_dir/f", "w").close()
try:
    os.rmdir("_conf_full_dir")
except OSError as e:
    print(type(e).__name__, e)
os.remove("_conf_full_dir/f")
os.rmdir("_conf_full_dir")
os.mkdir("_conf_full_dir")
try:
    os.mkdir("_conf_full_dir")
finally:
    os.rmdir("_conf_full_dir")
