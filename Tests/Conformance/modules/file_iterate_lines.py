import os
name = "_conf_file_iterate.txt"
with open(name, "w") as f:
    for i in range(5):
        f.write("row %d\n" % i)
total = 0
with open(name) as f:
    for line in f:
        total += int(line.split()[1])
        print(line.rstrip("\n"))
print(total)
with open(name) as f:
    print(f.readlines())
with open(name) as f:
    print([len(l) for l in f])
os.remove(name)
