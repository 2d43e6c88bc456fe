# Changing a dict or set's size while looping over it is a RuntimeError; changing values is fine.
scores = {"a": 1, "b": 2, "c": 3}
for k in scores:
    scores[k] = scores[k] * 10
print(scores)
try:
    for k in scores:
        del scores[k]
except RuntimeError as e:
    print("dict:", e)
print(scores)
try:
    for k in scores.keys():
        scores["new" + k] = 0
except RuntimeError as e:
    print("view:", e)
seen = {1, 2, 3}
try:
    for x in seen:
        seen.add(x + 10)
except RuntimeError as e:
    print("set:", e)
for k in list(scores):
    if scores[k] == 0:
        del scores[k]
print(scores)
for x in seen.copy():
    seen.discard(x)
print(seen)
