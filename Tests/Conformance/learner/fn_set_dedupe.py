visits = ["ann", "bob", "ann", "cy", "bob"]
unique = set(visits)
print(len(unique))
print(sorted(unique))
seen = set()
for v in visits:
    if v in seen:
        print("again:", v)
    seen.add(v)
