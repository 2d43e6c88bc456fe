d = {2 ** 100: "big", 1: "one"}
print(d[2 ** 100], d[1.0], d[True])
print(hash(2 ** 100) == hash(2 ** 100), hash(1.5), hash(-1), hash(2 ** 61))
print(hash(2.0) == hash(2), hash(10**20) == hash(1e20))
