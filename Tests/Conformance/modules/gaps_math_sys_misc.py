import sys
print(sys.maxsize == 2 ** 63 - 1, sys.platform, type(sys.argv).__name__, oct(8), oct(-64), oct(0))
from collections import Counter, defaultdict
groups = defaultdict(list)
for word in ["apple", "avocado", "banana"]:
    groups[word[0]].append(word)
print(dict(groups), dict(Counter("abca")), sorted(dict(Counter("xyx")).items()))
