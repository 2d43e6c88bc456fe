from itertools import chain

print(list(chain([1, 2], (3, 4), "ab")))
print(list(chain()))
