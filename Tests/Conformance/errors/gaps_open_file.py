with open("/tmp/probe_out.txt", "w") as f:
    f.write("line1\nline2\n")
with open("/tmp/probe_out.txt") as f:
    print([l.strip() for l in f])
