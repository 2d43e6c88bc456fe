text = "the cat and the hat and the bat"
counts = {}
for word in text.split():
    counts[word] = counts.get(word, 0) + 1
for word in sorted(counts):
    print(f"{word:>5}: {counts[word]} ({counts[word] / len(text.split()):.1%})")
