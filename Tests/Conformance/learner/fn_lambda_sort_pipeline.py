records = [{"n": "a", "v": 3}, {"n": "b", "v": 1}, {"n": "c", "v": 2}]
ordered = sorted(records, key=lambda r: r["v"])
print([r["n"] for r in ordered])
top = max(records, key=lambda r: r["v"])
print(top["n"])
