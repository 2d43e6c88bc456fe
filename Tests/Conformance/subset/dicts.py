d = {'a': 1, 'b': 2}
d['c'] = 3
print(d, len(d), 'a' in d, d.get('z', 0))
for k in d:
    print(k, d[k])
print(sorted(d.keys()), list(d.values()))
