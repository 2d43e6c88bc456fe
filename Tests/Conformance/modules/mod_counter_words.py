from collections import Counter

words = "the cat and the dog and the bird".split()
counts = Counter(words)
for word, n in counts.most_common(3):
    print(word, n)
