import os

def attempt(f, *args):
    try:
        f(*args)
    except OSError as e:
        print(type(e).__name__, e)

with open("_conf_kinds.txt", "w") as f:
    f.write("x")
os.mkdir("_conf_kinds_dir")
attempt(os.listdir, "_conf_kinds.txt")
attempt(os.mkdir, "_conf_missing_parent/child")
attempt(os.remove, "_conf_kinds_dir")
attempt(os.rmdir, "_conf_kinds.txt")
attempt(open, "_conf_kinds.txt/inner")
attempt(open, "_conf_kinds_dir", "w")
print(os.path.isdir("_conf_kinds.txt/inner"), os.path.exists("_conf_kinds_dir/"))
os.remove("_conf_kinds.txt")
os.rmdir("_conf_kinds_dir")
os.listdir("_conf_kinds_dir")
