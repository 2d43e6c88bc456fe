import os
os.makedirs("_conf_mk/a/b")
os.makedirs("_conf_mk/a/b", exist_ok=True)
with open("_conf_mk/a/b/f.txt", "w") as f:
    f.write("deep")
print(open("_conf_mk/a/b/f.txt").read())
os.remove("_conf_mk/a/b/f.txt")
os.rmdir("_conf_mk/a/b")
os.rmdir("_conf_mk/a")
os.rmdir("_conf_mk")
print(os.path.exists("_conf_mk"))
