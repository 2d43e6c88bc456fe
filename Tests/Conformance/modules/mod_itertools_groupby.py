from itertools import groupby, takewhile, dropwhile

for key, group in groupby("aaabccdd"):
    print(key, list(group))
print(list(takewhile(lambda x: x < 3, [1, 2, 3, 1])))
print(list(dropwhile(lambda x: x < 3, [1, 2, 3, 1])))
