d = {"x": 1, "y": 2}
for key in d:
    d[key + "!"] = 0
