import os
name = "_conf_file_direction.txt"

def attempt(f, *args):
    try:
        f(*args)
    except Exception as e:
        print(type(e).__name__, repr(str(e)))

w = open(name, "wb")
attempt(w.read)
attempt(w.readline)
attempt(w.readlines)
r = open(name, "rb")
attempt(r.write, b"x")
attempt(r.writelines, [b"x"])
attempt(r.truncate)
attempt(r.read, "x")
attempt(r.readline, 2.5)
tw = open(name, "w")
attempt(tw.read)
attempt(tw.readline)
attempt(next, tw)
tr = open(name)
attempt(tr.write, "x")
attempt(tr.writelines, ["x"])
attempt(tr.truncate)
attempt(tr.readline, "x")
for f in [w, r, tw, tr]:
    f.close()
attempt(tr.write, 5)
attempt(tr.read)
attempt(tr.tell)
attempt(tr.seek, 0)
attempt(next, tr)
attempt(iter, tr)
attempt(tr.flush)
attempt(tr.fileno)
attempt(tr.readable)
attempt(tr.read, "x")
os.remove(name)
with tr:
    pass
