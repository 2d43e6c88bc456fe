parts = []
for i in range(5):
    parts.append(f"{i}:{i / 4:.2f}")
print("; ".join(parts))
s = ""
for ch in "abc":
    s += ch.upper() * 2
print(s, len(s))
