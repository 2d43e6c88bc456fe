# Dict and set keys: ints, strings, tuples, floats and bools, as a counting loop meets them.
words = "the cat and the hat and the bat".split()
counts = {}
for w in words:
    counts[w] = counts.get(w, 0) + 1
print(counts)

mixed = {1: "int", 1.5: "float", "1": "str", (1, "a"): "tuple", None: "none"}
print(mixed[1], mixed[1.0], mixed[True], mixed[1.5], mixed["1"], mixed[(1, "a")], mixed[None])

composed = "\u00e9"
decomposed = "e" + chr(0x301)
keys = {composed: 1, decomposed: 2}
print(len(keys), composed == decomposed, keys[composed], keys[decomposed])

seen = set()
for i in range(-5, 6):
    seen.add(i * i)
    seen.add(str(i % 3))
print(sorted(x for x in seen if isinstance(x, int)), sorted(x for x in seen if isinstance(x, str)))

big = {2 ** 70: "big", -(2 ** 70): "negative"}
print(big[2 ** 70], big[-(2 ** 70)], 2 ** 70 in big, 2 ** 69 in big)
