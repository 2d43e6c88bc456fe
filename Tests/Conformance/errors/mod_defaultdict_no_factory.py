from collections import defaultdict
d = defaultdict()
d['k']
