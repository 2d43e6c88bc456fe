counts = {"x": 3, "y": 1, "z": 2}
for k, v in sorted(counts.items(), key=lambda kv: kv[1]):
    print(k, v)
