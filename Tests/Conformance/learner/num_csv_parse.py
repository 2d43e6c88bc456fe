data = "name,score\nann,91.5\nbob,78\ncid,88.25"
rows = [line.split(",") for line in data.splitlines()[1:]]
total = 0.0
for name, score in rows:
    total += float(score)
    print(name.title().ljust(6), float(score))
print("mean", round(total / len(rows), 3))
