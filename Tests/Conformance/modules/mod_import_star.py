from itertools import *

print(list(islice(count(3), 2)))
