import os
d = "_conf_os_files_dir"
os.mkdir(d)
print(os.path.isdir(d), os.path.isfile(d), os.path.exists(d))
for n in ["b.txt", "a.txt"]:
    with open(os.path.join(d, n), "w") as f:
        f.write(n)
print(sorted(os.listdir(d)))
print(os.path.getsize(os.path.join(d, "a.txt")))
os.rename(os.path.join(d, "a.txt"), os.path.join(d, "c.txt"))
print(sorted(os.listdir(d)))
print(os.path.exists(os.path.join(d, "a.txt")), os.path.isfile(os.path.join(d, "c.txt")))
os.unlink(os.path.join(d, "b.txt"))
os.remove(os.path.join(d, "c.txt"))
print(os.listdir(d))
os.rmdir(d)
print(os.path.exists(d))
