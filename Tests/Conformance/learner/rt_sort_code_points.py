# Sorting, min/max and comparisons of strings go by code point.
words = ["zebra", "Apple", "\u00e9clair", "eclair", "e\u0301clair", "apple", "\U0001F600", "\uffff", "Zoo", ""]
for w in sorted(words):
    print([hex(ord(c)) for c in w])
print(min(words) == "", max(words) == "\U0001F600")
print(sorted(words, reverse=True) == sorted(words)[::-1])
print("e\u0301clair" < "eclair", "\u00e9clair" > "eclair", "a" < "B", "B" < "a")
pairs = sorted([("b", 2), ("\u00e9", 1), ("e\u0301", 0)])
print([p[1] for p in pairs])
print(sorted({"\u00e9": 1, "e\u0301": 2, "e": 3}.values()))
