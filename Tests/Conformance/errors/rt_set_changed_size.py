s = {"x", "y"}
for item in s:
    s.remove(item)
